import Foundation
import XCTest

/// `X-User-Id` carries one identity (docs/security.md, "Identity headers"): a login whose user id
/// would read as a list is refused, never turned into a session.
final class SessionIdentityTests: SessionTestCase {
  func testLoginWithAListLikeUserIdIsRefused() throws {
    let gatehouse = try startSessionGatehouse()
    let (response, _) = try send(gatehouse, "GET", "/login-as/alice,admin")
    XCTAssertEqual(response.status, 502, "\(response)")
    XCTAssertNil(sessionSetCookie(response, "alice,admin"), "a session was created")
    let (ticket, _, _) = try login(gatehouse, "alice")
    let (_, forwarded) = try request(gatehouse, "GET", "/app/whoami", ticket: ticket)
    XCTAssertEqual(forwarded?.headers.values("X-User-Id"), ["alice"])
  }
}
