import Foundation
import XCTest

/// CSRF tokens are tied to the session generation (docs/security.md, "CSRF tokens"): a token
/// survives one rotation (a form rendered just before it), not two; an elevation ends every
/// earlier token at once.
final class SessionCSRFGenerationTests: SessionTestCase {
  private func post(_ gatehouse: GatehouseProcess, ticket: String, token: String) throws -> Int {
    try request(gatehouse, "POST", "/app/form", ticket: ticket, headers: [("X-CSRF-Token", token)]).response
      .status
  }

  /// Waits out the rotation interval, then makes the request that rotates; the new cookie.
  private func rotate(_ gatehouse: GatehouseProcess, _ ticket: String, _ what: String) throws -> String {
    Thread.sleep(forTimeInterval: 1.2)  // the real binary has no fake clock
    let (response, _) = try request(gatehouse, "GET", "/api/tick", ticket: ticket)
    XCTAssertEqual(response.status, 200, "\(what): \(response)")
    return cookieValue(
      try XCTUnwrap(sessionSetCookie(response, what), "\(what): no new cookie in \(response)"))
  }

  func testATokenSurvivesOneRotationButNotTwo() throws {
    let gatehouse = try startSessionGatehouse(session: [
      "rotation_interval = \"1s\"", "rotation_grace = \"500ms\"",
    ])
    let (first, _, _) = try login(gatehouse, "alice")
    let firstToken = try identity(gatehouse, first).csrf
    XCTAssertFalse(firstToken.isEmpty)

    let second = try rotate(gatehouse, first, "first rotation")
    XCTAssertEqual(
      try post(gatehouse, ticket: second, token: firstToken), 200, "a token from just before a rotation")

    let third = try rotate(gatehouse, second, "second rotation")
    XCTAssertEqual(try post(gatehouse, ticket: third, token: firstToken), 403, "a token two rotations old")
    let fresh = try identity(gatehouse, third).csrf
    XCTAssertEqual(try post(gatehouse, ticket: third, token: fresh), 200, "the current token")
  }

  func testElevationEndsEarlierTokens() throws {
    let gatehouse = try startSessionGatehouse()
    let (ticket, _, _) = try login(gatehouse, "alice")
    let before = try identity(gatehouse, ticket).csrf
    let (response, _) = try request(gatehouse, "GET", "/elevate", ticket: ticket)
    let elevated = cookieValue(try XCTUnwrap(sessionSetCookie(response, "elevate"), "\(response)"))
    XCTAssertEqual(
      try post(gatehouse, ticket: elevated, token: before), 403, "a token from before the elevation")
    let after = try identity(gatehouse, elevated).csrf
    XCTAssertEqual(try post(gatehouse, ticket: elevated, token: after), 200, "a token from after it")
  }
}
