import Config
import EventLoop
import Foundation
import HTTP1
import Prometheus
import Synchronization
import XCTest

@testable import Proxy

/// The dashboard's endpoints on `AdminEndpoints`: the page, `/status.json`, the sign-in at
/// `/dashboard/access`, and the session API reached with the sign-in cookie.
final class DashboardEndpointsTests: XCTestCase {
  private final class Events: Sendable {
    let recorded = Mutex<[AdminEvent]>([])
    var all: [AdminEvent] { recorded.withLock { $0 } }
    func record(_ event: AdminEvent) { recorded.withLock { $0.append(event) } }
  }

  private let token = "dashboard-operator-token"
  private let clock = ManualClock(wall: 1_700_000_000_000_000_000)
  private let events = Events()

  private func endpoints(token: String?) throws -> AdminEndpoints {
    let events = self.events
    let admin = AdminEndpoints(
      config: GatehouseConfig(admin: AdminSettings(token: token.map { Secret($0) })), readiness: Readiness(),
      metrics: GatehouseMetrics(), clock: clock, events: { events.record($0) })
    let service = try SessionService(
      settings: SessionSettings(keys: [Secret(String(repeating: "k", count: 32))]),
      registry: PrometheusCollectorRegistry(), clock: clock)
    admin.sessionAdmin.withLock { $0 = SessionAdmin(service: service, events: admin.events) }
    let sources = StatusBoard.Sources(
      version: "test", workers: 1, sessions: service, issuers: { ([], 0) },
      health: HealthMonitor(settings: HealthSettings(), clock: clock),
      configGeneration: { admin.configGeneration })
    admin.statusBoard.withLock { $0 = StatusBoard(metrics: admin.metrics, clock: clock, sources: sources) }
    return admin
  }

  private func request(
    _ method: HTTPMethod, _ target: String, authorization: String? = nil, cookie: String? = nil,
    csrf: String? = nil
  ) -> AdminRequest {
    let parts = target.split(separator: "?", maxSplits: 1).map { Array($0.utf8) }
    var request = AdminRequest(method: method, path: parts[0], query: parts.count > 1 ? parts[1] : [])
    request.authorization = authorization.map { Array($0.utf8) }
    request.cookie = cookie.map { Array($0.utf8) }
    request.csrfToken = csrf.map { Array($0.utf8) }
    return request
  }

  private func object(_ response: AdminResponse) throws -> [String: Any] {
    try XCTUnwrap(JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any], "\(response)")
  }

  private func header(_ response: AdminResponse, _ name: String) -> String? {
    response.extraHeaders.first { $0.0 == name }?.1
  }

  func testPageIsOpenStatusNeedsTheToken() throws {
    let admin = try endpoints(token: token)
    let page = admin.respond(request(.get, "/"))
    XCTAssertEqual(page.status, 200)
    XCTAssertNotNil(header(page, "Content-Security-Policy"))
    XCTAssertEqual(admin.respond(request(.post, "/")).status, 405)
    XCTAssertEqual(admin.respond(request(.get, "/status.json")).status, 401)
    let status = admin.respond(request(.get, "/status.json", authorization: "Bearer \(token)"))
    XCTAssertEqual(status.status, 200)
    XCTAssertEqual(status.contentType, AdminResponse.json)
    let process = try XCTUnwrap(try object(status)["process"] as? [String: Any])
    XCTAssertEqual(process["version"] as? String, "test")
    XCTAssertEqual(process["config_generation"] as? Int, 1)
  }

  func testOpenListenerIsReadOnlyAndSaysSo() throws {
    let admin = try endpoints(token: nil)
    let state = try object(admin.respond(request(.get, "/dashboard/access")))
    XCTAssertEqual(state["mode"] as? String, "open")
    XCTAssertEqual(state["read_only"] as? Bool, true)
    XCTAssertEqual(state["signed_in"] as? Bool, false)
    XCTAssertEqual(admin.respond(request(.post, "/dashboard/access", authorization: "Bearer x")).status, 409)
    XCTAssertEqual(admin.respond(request(.get, "/status.json")).status, 200, "open as before the dashboard")
  }

  func testSignInCookieCSRFRevocationAndSignOut() throws {
    let admin = try endpoints(token: token)
    let before = try object(admin.respond(request(.get, "/dashboard/access")))
    XCTAssertEqual(before["mode"] as? String, "token")
    XCTAssertEqual(before["signed_in"] as? Bool, false)

    let refused = admin.respond(request(.post, "/dashboard/access", authorization: "Bearer wrong"))
    XCTAssertEqual(refused.status, 401)
    XCTAssertNil(header(refused, "Set-Cookie"))
    XCTAssertEqual(events.all.last?.kind, "admin_sign_in_refused")

    let signIn = admin.respond(request(.post, "/dashboard/access", authorization: "Bearer \(token)"))
    XCTAssertEqual(signIn.status, 200)
    let setCookie = try XCTUnwrap(header(signIn, "Set-Cookie"))
    XCTAssertTrue(setCookie.hasPrefix("__Host-gatehouse-admin="), setCookie)
    XCTAssertTrue(setCookie.contains("; Secure; HttpOnly; SameSite=Strict;"), setCookie)
    let cookie = String(setCookie.prefix { $0 != ";" })
    XCTAssertFalse(cookie.contains(token), "the cookie is not the token")
    let state = try object(signIn)
    let csrf = try XCTUnwrap(state["csrf"] as? String)
    let tokenID = AdminTokenID(token: Array(token.utf8)).description
    XCTAssertEqual(state["token_id"] as? String, tokenID)
    XCTAssertEqual(state["expires_in"] as? Int, 3600)
    XCTAssertEqual(events.all.last, AdminEvent(kind: "admin_sign_in", tokenID: tokenID, via: "dashboard"))

    XCTAssertEqual(
      try object(admin.respond(request(.get, "/dashboard/access", cookie: cookie)))["signed_in"] as? Bool,
      true)
    XCTAssertEqual(admin.respond(request(.get, "/status.json", cookie: cookie)).status, 200)
    XCTAssertEqual(admin.respond(request(.get, "/sessions?user=alice", cookie: cookie)).status, 200)
    XCTAssertEqual(admin.respond(request(.get, "/metrics", cookie: cookie)).status, 200)

    let eventsBefore = events.all.count
    XCTAssertEqual(
      admin.respond(request(.delete, "/sessions?user=alice", cookie: cookie)).status, 403, "no CSRF token")
    XCTAssertEqual(events.all.count, eventsBefore, "a refused request revokes nothing and logs no revocation")
    let revoked = admin.respond(request(.delete, "/sessions?user=alice", cookie: cookie, csrf: csrf))
    XCTAssertEqual(revoked.status, 200)
    let event = try XCTUnwrap(events.all.last)
    XCTAssertEqual(event.kind, "admin_sessions_revoked")
    XCTAssertEqual(event.tokenID, tokenID)
    XCTAssertEqual(event.via, "dashboard")
    XCTAssertEqual(event.field("scope"), "all")
    XCTAssertEqual(event.field("count"), "0")
    XCTAssertEqual(event.field("result"), "revoked")
    XCTAssertNotEqual(event.field("user_hash"), "alice", "the user's keyed hash, not the id")
    let missing = admin.respond(
      request(.delete, "/sessions/0123456789abcdef?user=alice", cookie: cookie, csrf: csrf))
    XCTAssertEqual(missing.status, 404)
    XCTAssertEqual(events.all.last?.field("result"), "no_such_session")
    XCTAssertEqual(events.all.last?.field("session"), "0123456789abcdef")

    let bearer = admin.respond(request(.delete, "/sessions?user=bob", authorization: "Bearer \(token)"))
    XCTAssertEqual(bearer.status, 200, "scripts with the token need no CSRF token")
    XCTAssertEqual(events.all.last?.via, "token")

    XCTAssertEqual(admin.respond(request(.delete, "/dashboard/access", cookie: cookie)).status, 403)
    let signOut = admin.respond(request(.delete, "/dashboard/access", cookie: cookie, csrf: csrf))
    XCTAssertEqual(signOut.status, 200)
    XCTAssertTrue(header(signOut, "Set-Cookie")?.hasSuffix("Max-Age=0") ?? false)
    XCTAssertEqual(events.all.last?.kind, "admin_sign_out")
    for event in events.all {
      XCTAssertFalse("\(event)".contains(token), "an event carries the token: \(event)")
    }
  }

  func testCookieEndsWithItsLifetimeAndWithATokenRotation() throws {
    let admin = try endpoints(token: token)
    let signIn = admin.respond(request(.post, "/dashboard/access", authorization: "Bearer \(token)"))
    let cookie = String(try XCTUnwrap(header(signIn, "Set-Cookie")).prefix { $0 != ";" })
    XCTAssertEqual(admin.respond(request(.get, "/status.json", cookie: cookie)).status, 200)
    clock.advance(by: .seconds(3599))
    XCTAssertEqual(admin.respond(request(.get, "/status.json", cookie: cookie)).status, 200, "59:59 later")
    clock.advance(by: .seconds(1))
    XCTAssertEqual(admin.respond(request(.get, "/status.json", cookie: cookie)).status, 401, "an hour later")

    let fresh = admin.respond(request(.post, "/dashboard/access", authorization: "Bearer \(token)"))
    let freshCookie = String(try XCTUnwrap(header(fresh, "Set-Cookie")).prefix { $0 != ";" })
    XCTAssertEqual(admin.respond(request(.get, "/status.json", cookie: freshCookie)).status, 200)
    admin.update(GatehouseConfig(admin: AdminSettings(token: Secret("rotated-token"))))
    XCTAssertEqual(
      admin.respond(request(.get, "/status.json", cookie: freshCookie)).status, 401, "token rotated")
    XCTAssertEqual(admin.configGeneration.number, 2)
  }
}
