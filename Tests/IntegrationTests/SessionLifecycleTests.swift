import Foundation
import XCTest

/// Issue 5 end to end: app-driven login, access with the cookie, rotation with grace, logout,
/// elevation, fixation and the per-user cap, against the built binary.
final class SessionLifecycleTests: SessionTestCase {
  func testLoginSetsCookieAndUpstreamGetsIdentityNotTicket() throws {
    let gatehouse = try startSessionGatehouse()
    let (ticket, setCookie, loginResponse) = try login(gatehouse, "alice", attributes: "role=admin")
    let attributes = cookieAttributes(setCookie)
    XCTAssertEqual(attributes["path"], "/", setCookie)
    XCTAssertNotNil(attributes["httponly"], "HttpOnly: \(setCookie)")
    XCTAssertEqual(attributes["samesite"]?.lowercased(), "lax", setCookie)
    XCTAssertNil(attributes["secure"], "secure_cookie = false: \(setCookie)")
    XCTAssertNil(attributes["domain"], "host-only: \(setCookie)")
    for name in ["Gatehouse-Login", "Gatehouse-Session-Attributes"] {
      XCTAssertFalse(loginResponse.headers.contains(name), "\(name) reached the client: \(loginResponse)")
    }

    let (response, forwarded) = try request(
      gatehouse, "GET", "/app/x", ticket: ticket, extraCookies: "theme=dark",
      headers: [("X-User-Id", "mallory"), ("X-Auth-Method", "none"), ("X-User-Role", "superuser")])
    XCTAssertEqual(response.status, 200, "\(response)")
    let seen = try XCTUnwrap(forwarded, "request reached the upstream")
    XCTAssertEqual(seen.headers.values("X-User-Id"), ["alice"], "client's X-User-Id replaced")
    XCTAssertEqual(seen.headers.values("X-Auth-Method"), ["session"])
    XCTAssertEqual(seen.headers.values("X-User-Role"), ["admin"], "attribute header from the session only")
    XCTAssertEqual(seen.headers.values("X-CSRF-Token").count, 1)
    XCTAssertFalse(seen.headers.value("X-CSRF-Token")?.isEmpty ?? true)
    let hash = try XCTUnwrap(seen.headers.value("X-Session-Hash"))
    XCTAssertFalse(hash.isEmpty)
    XCTAssertFalse(ticket.contains(hash) || hash.contains(ticket), "X-Session-Hash is not the ticket")
    let cookies = seen.headers.values("Cookie").joined(separator: "; ")
    XCTAssertFalse(cookies.contains(Self.cookieName), "session cookie forwarded: \(cookies)")
    XCTAssertFalse(cookies.contains(ticket), "ticket forwarded: \(cookies)")
    XCTAssertEqual(cookies, "theme=dark", "the other cookies still reach the app")
    for field in seen.headers {
      XCTAssertFalse(field.value.contains(ticket), "ticket in upstream header \(field.name)")
    }
  }

  func testRotationIssuesNewCookieAndOldOneDiesAfterGrace() throws {
    let gatehouse = try startSessionGatehouse(session: [
      "rotation_interval = \"2s\"", "rotation_grace = \"1s\"",
    ])
    let (old, _, _) = try login(gatehouse, "alice")
    let (early, _) = try request(gatehouse, "GET", "/api/x", ticket: old)
    XCTAssertEqual(early.status, 200)
    XCTAssertNil(sessionSetCookie(early, "before the interval"), "no rotation before the interval")

    Thread.sleep(forTimeInterval: 2.2)  // the real binary has no fake clock
    let (rotating, _) = try request(gatehouse, "GET", "/api/x", ticket: old)
    XCTAssertEqual(rotating.status, 200, "\(rotating)")
    let setCookie = try XCTUnwrap(sessionSetCookie(rotating, "rotation"), "rotated cookie in \(rotating)")
    let new = cookieValue(setCookie)
    XCTAssertNotEqual(new, old)
    XCTAssertFalse(new.isEmpty)
    XCTAssertTrue(try isAlive(gatehouse, old, "old cookie inside the grace window"))
    XCTAssertTrue(try isAlive(gatehouse, new, "new cookie"))

    Thread.sleep(forTimeInterval: 1.2)
    XCTAssertFalse(try isAlive(gatehouse, old, "old cookie after the grace window"))
    XCTAssertTrue(try isAlive(gatehouse, new, "new cookie after the grace window"))
  }

  func testLogoutThisDeletesCookieAndSession() throws {
    let gatehouse = try startSessionGatehouse()
    let (ticket, _, _) = try login(gatehouse, "alice")
    let (other, _, _) = try login(gatehouse, "alice")
    let (response, forwarded) = try request(gatehouse, "GET", "/logout-this", ticket: ticket)
    XCTAssertEqual(response.status, 200, "\(response)")
    XCTAssertNotNil(forwarded)
    XCTAssertFalse(response.headers.contains("Gatehouse-Logout"), "lifecycle header reached the client")
    let deletion = try XCTUnwrap(sessionSetCookie(response, "logout"), "deletion cookie in \(response)")
    let attributes = cookieAttributes(deletion)
    XCTAssertEqual(cookieValue(deletion), "")
    XCTAssertEqual(attributes["max-age"], "0", deletion)
    XCTAssertEqual(attributes["path"], "/", "same path as the session cookie: \(deletion)")
    XCTAssertFalse(try isAlive(gatehouse, ticket, "logged-out cookie"))
    XCTAssertTrue(try isAlive(gatehouse, other, "the user's other session"))
  }

  func testLogoutAllEndsEverySessionOfTheUser() throws {
    let gatehouse = try startSessionGatehouse()
    let (first, _, _) = try login(gatehouse, "alice")
    let (second, _, _) = try login(gatehouse, "alice")
    let (bob, _, _) = try login(gatehouse, "bob")
    let (response, _) = try request(gatehouse, "GET", "/logout-all", ticket: first)
    XCTAssertEqual(response.status, 200, "\(response)")
    XCTAssertEqual(sessionSetCookie(response, "logout all").map { cookieAttributes($0)["max-age"] }, "0")
    XCTAssertFalse(try isAlive(gatehouse, first, "alice's session that logged out"))
    XCTAssertFalse(try isAlive(gatehouse, second, "alice's other session"))
    XCTAssertTrue(try isAlive(gatehouse, bob, "bob's session"))
  }

  func testElevateRotatesAtOnce() throws {
    let gatehouse = try startSessionGatehouse()
    let (ticket, _, _) = try login(gatehouse, "alice")
    let before = try identity(gatehouse, ticket)
    let (response, _) = try request(gatehouse, "GET", "/elevate", ticket: ticket)
    XCTAssertEqual(response.status, 200, "\(response)")
    XCTAssertFalse(response.headers.contains("Gatehouse-Elevate"), "lifecycle header reached the client")
    let setCookie = try XCTUnwrap(sessionSetCookie(response, "elevate"), "new cookie in \(response)")
    let elevated = cookieValue(setCookie)
    XCTAssertNotEqual(elevated, ticket)
    let after = try identity(gatehouse, elevated)
    XCTAssertNotEqual(after.hash, before.hash, "a new session id")
  }

  func testLoginReplacesThePresentedSession() throws {
    let gatehouse = try startSessionGatehouse()
    let (a, _, _) = try login(gatehouse, "alice")
    let (b, _, _) = try login(gatehouse, "bob", cookie: a)
    XCTAssertNotEqual(b, a)
    XCTAssertFalse(try isAlive(gatehouse, a, "the session the client came with"))
    let (response, forwarded) = try request(gatehouse, "GET", "/api/who", ticket: b)
    XCTAssertEqual(response.status, 200)
    XCTAssertEqual(forwarded?.headers.values("X-User-Id"), ["bob"])

    // A ticket chosen by an attacker before login is never adopted.
    let planted = "attacker-chosen-value"
    let (c, _, _) = try login(gatehouse, "carol", cookie: planted)
    XCTAssertNotEqual(c, planted)
    XCTAssertFalse(try isAlive(gatehouse, planted, "planted cookie after login"))
  }

  func testFourthLoginEvictsTheOldest() throws {
    let gatehouse = try startSessionGatehouse()
    var tickets: [String] = []
    for _ in 0..<4 { tickets.append(try login(gatehouse, "alice").ticket) }
    XCTAssertEqual(Set(tickets).count, 4, "four different tickets")
    XCTAssertFalse(try isAlive(gatehouse, tickets[0], "oldest session"))
    for index in 1..<4 {
      XCTAssertTrue(try isAlive(gatehouse, tickets[index], "session \(index + 1)"))
    }
  }
}
