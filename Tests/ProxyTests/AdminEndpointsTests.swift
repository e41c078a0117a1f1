import Config
import HTTP1
import XCTest

@testable import Proxy

final class AdminEndpointsTests: XCTestCase {
  private func endpoints(token: String?, readiness: Readiness = Readiness()) -> AdminEndpoints {
    let config = GatehouseConfig(admin: AdminSettings(token: token.map { Secret($0) }))
    return AdminEndpoints(config: config, readiness: readiness, metrics: GatehouseMetrics())
  }

  func testStatusCodesContentTypesAndTokenProtection() {
    struct Case {
      let name: String
      let token: String?
      let method: HTTPMethod
      let path: String
      let authorization: String?
      let status: Int
      let contentType: String
      var header: (String, String)? = nil
    }
    let plain = AdminResponse.plain
    let cases: [Case] = [
      Case(
        name: "healthz open", token: nil, method: .get, path: "/healthz", authorization: nil, status: 200,
        contentType: plain),
      Case(
        name: "healthz open with token set", token: "t0k", method: .get, path: "/healthz", authorization: nil,
        status: 200, contentType: plain),
      Case(
        name: "healthz HEAD", token: nil, method: .head, path: "/healthz", authorization: nil, status: 200,
        contentType: plain),
      Case(
        name: "readyz no token configured", token: nil, method: .get, path: "/readyz", authorization: nil,
        status: 200, contentType: AdminResponse.json),
      Case(
        name: "metrics no token configured", token: nil, method: .get, path: "/metrics", authorization: nil,
        status: 200, contentType: AdminResponse.prometheus),
      Case(
        name: "config no token configured", token: nil, method: .get, path: "/config", authorization: nil,
        status: 200, contentType: plain),
      Case(
        name: "metrics without token", token: "t0k", method: .get, path: "/metrics", authorization: nil,
        status: 401, contentType: plain, header: ("WWW-Authenticate", "Bearer")),
      Case(
        name: "readyz needs no token (kubelet probes cannot send one)", token: "t0k", method: .get,
        path: "/readyz", authorization: nil, status: 200, contentType: "application/json"),
      Case(
        name: "sessions without token", token: "t0k", method: .get, path: "/sessions",
        authorization: nil, status: 401, contentType: plain, header: ("WWW-Authenticate", "Bearer")),
      Case(
        name: "migration without token", token: "t0k", method: .put, path: "/migration",
        authorization: nil, status: 401, contentType: plain, header: ("WWW-Authenticate", "Bearer")),
      Case(
        name: "migration with token but none configured", token: "t0k", method: .get, path: "/migration",
        authorization: "Bearer t0k", status: 404, contentType: plain),
      Case(
        name: "config token prefix only", token: "t0k", method: .get, path: "/config",
        authorization: "Bearer t0", status: 401, contentType: plain),
      Case(
        name: "config token longer", token: "t0k", method: .get, path: "/config",
        authorization: "Bearer t0kk", status: 401, contentType: plain),
      Case(
        name: "basic scheme refused", token: "t0k", method: .get, path: "/config", authorization: "Basic t0k",
        status: 401, contentType: plain),
      Case(
        name: "metrics right token", token: "t0k", method: .get, path: "/metrics",
        authorization: "Bearer t0k", status: 200, contentType: AdminResponse.prometheus),
      Case(
        name: "scheme case-insensitive", token: "t0k", method: .get, path: "/config",
        authorization: "bEaReR t0k", status: 200, contentType: plain),
      Case(
        name: "POST refused", token: nil, method: .post, path: "/metrics", authorization: nil, status: 405,
        contentType: plain, header: ("Allow", "GET, HEAD")),
      Case(
        name: "unknown path", token: nil, method: .get, path: "/admin", authorization: nil, status: 404,
        contentType: plain),
      Case(
        name: "path prefix is not a match", token: nil, method: .get, path: "/healthz/x", authorization: nil,
        status: 404, contentType: plain),
    ]
    for c in cases {
      let response = endpoints(token: c.token).respond(
        method: c.method, path: Array(c.path.utf8), authorization: c.authorization.map { Array($0.utf8) })
      XCTAssertEqual(response.status, c.status, c.name)
      XCTAssertEqual(response.contentType, c.contentType, c.name)
      if let header = c.header {
        XCTAssertTrue(response.extraHeaders.contains { $0 == header }, "\(c.name): missing \(header)")
      }
    }
  }

  func testReadyzTurns503WhenACheckFails() {
    let readiness = Readiness()
    let failing = AtomicFlag(false)
    readiness.register("listeners") { nil }
    readiness.register("jwks") { failing.isSet ? "no keys for issuer https://idp" : nil }
    let admin = endpoints(token: nil, readiness: readiness)
    let ready = admin.respond(method: .get, path: Array("/readyz".utf8), authorization: nil)
    XCTAssertEqual(ready.status, 200)
    XCTAssertEqual(String(decoding: ready.body, as: UTF8.self), "{\"status\":\"ready\"}\n")
    failing.set(true)
    let notReady = admin.respond(method: .get, path: Array("/readyz".utf8), authorization: nil)
    XCTAssertEqual(notReady.status, 503)
    XCTAssertEqual(
      String(decoding: notReady.body, as: UTF8.self),
      "{\"status\":\"not_ready\",\"failing\":[{\"name\":\"jwks\",\"detail\":\"no keys for issuer https://idp\"}]}\n"
    )
    let health = admin.respond(method: .get, path: Array("/healthz".utf8), authorization: nil)
    XCTAssertEqual(health.status, 200, "healthz stays 200 while not ready")
  }

  func testConfigIsRedacted() {
    let admin = endpoints(token: "super-secret-admin-token")
    let response = admin.respond(
      method: .get, path: Array("/config".utf8), authorization: Array("Bearer super-secret-admin-token".utf8))
    let text = String(decoding: response.body, as: UTF8.self)
    XCTAssertEqual(response.status, 200)
    XCTAssertTrue(text.contains("[admin]"))
    XCTAssertTrue(text.contains("token = \"<redacted>\""))
    XCTAssertFalse(text.contains("super-secret-admin-token"))
  }

  func testHeadKeepsLengthDropsBody() {
    let response = AdminResponse.text(200, "ok")
    let head = String(decoding: response.serialized(keepAlive: true, headOnly: true), as: UTF8.self)
    let get = String(decoding: response.serialized(keepAlive: false, headOnly: false), as: UTF8.self)
    XCTAssertTrue(head.hasSuffix("Content-Length: 3\r\nCache-Control: no-store\r\n\r\n"), head)
    XCTAssertTrue(get.hasSuffix("Connection: close\r\n\r\nok\n"), get)
  }
}
