import Foundation
import XCTest

/// Issue 5, admin API on the admin listener: list a user's sessions (never ticket material),
/// revoke one by hash, revoke all; a revocation takes effect on the next request.
///
/// Assumes the listing is JSON — an array, or an object with a `sessions` array — whose entries
/// carry the same hash the upstream receives as `X-Session-Hash`.
final class SessionAdminTests: SessionTestCase {
  func testListRevokeOneRevokeAll() throws {
    let gatehouse = try startSessionGatehouse()
    let (first, _, _) = try login(gatehouse, "alice", headers: [("User-Agent", "Browser/1.0")])
    let (second, _, _) = try login(gatehouse, "alice", headers: [("User-Agent", "Browser/1.0")])
    let (bob, _, _) = try login(gatehouse, "bob")
    let ua = [("User-Agent", "Browser/1.0")]
    let firstHash = try identity(gatehouse, first, headers: ua).hash
    let secondHash = try identity(gatehouse, second, headers: ua).hash
    XCTAssertNotEqual(firstHash, secondHash)

    let listing = try admin(gatehouse, "GET", "/sessions?user=alice")
    XCTAssertEqual(listing.status, 200, listing.body)
    let sessions = try sessionEntries(listing.body)
    XCTAssertEqual(sessions.count, 2, "alice has two sessions: \(listing.body)")
    XCTAssertTrue(listing.body.contains(firstHash) && listing.body.contains(secondHash), listing.body)
    for ticket in [first, second] {
      XCTAssertFalse(listing.body.contains(ticket), "ticket in the listing: \(listing.body)")
    }
    XCTAssertTrue(listing.body.contains("Browser/1.0"), "User-Agent listed: \(listing.body)")
    XCTAssertTrue(listing.body.contains("127.0.0.0/24"), "bound subnet listed: \(listing.body)")
    XCTAssertEqual(try sessionEntries(admin(gatehouse, "GET", "/sessions?user=nobody").body).count, 0)

    let revokeOne = try admin(gatehouse, "DELETE", "/sessions/\(firstHash)?user=alice")
    XCTAssertTrue((200..<300).contains(revokeOne.status), "revoke one: \(revokeOne)")
    XCTAssertFalse(try isAlive(gatehouse, first, headers: ua, "revoked session"))
    XCTAssertTrue(try isAlive(gatehouse, second, headers: ua, "alice's other session"))
    XCTAssertEqual(try sessionEntries(admin(gatehouse, "GET", "/sessions?user=alice").body).count, 1)

    let revokeAll = try admin(gatehouse, "DELETE", "/sessions?user=alice")
    XCTAssertTrue((200..<300).contains(revokeAll.status), "revoke all: \(revokeAll)")
    XCTAssertFalse(try isAlive(gatehouse, second, headers: ua, "alice's last session"))
    XCTAssertTrue(try isAlive(gatehouse, bob, "bob's session"))
    XCTAssertEqual(try sessionEntries(admin(gatehouse, "GET", "/sessions?user=alice").body).count, 0)
  }

  func testBadAdminRequests() throws {
    let gatehouse = try startSessionGatehouse()
    let (ticket, _, _) = try login(gatehouse, "alice")
    // The issue fixes no status codes for these; any client error will do, and nothing is revoked.
    let cases: [(name: String, method: String, target: String)] = [
      ("list without user", "GET", "/sessions"),
      ("revoke all without user", "DELETE", "/sessions"),
      ("revoke one without user", "DELETE", "/sessions/\(String(repeating: "0", count: 16))"),
      ("unknown hash", "DELETE", "/sessions/\(String(repeating: "0", count: 16))?user=alice"),
    ]
    for c in cases {
      let response = try admin(gatehouse, c.method, c.target)
      XCTAssertTrue((400..<500).contains(response.status), "\(c.name): \(response.status) \(response.body)")
      XCTAssertTrue(try isAlive(gatehouse, ticket, "\(c.name): session untouched"))
    }
  }

  /// The session objects of a listing body.
  private func sessionEntries(_ body: String) throws -> [[String: Any]] {
    let json = try JSONSerialization.jsonObject(with: Data(body.utf8))
    if let array = json as? [[String: Any]] { return array }
    if let object = json as? [String: Any], let array = object["sessions"] as? [[String: Any]] {
      return array
    }
    throw HarnessError("unexpected session listing \(body)")
  }
}
