import Foundation
import XCTest

/// Session lifecycle and suspicious-activity events in the JSON log (docs/operations.md §8):
/// created, rotated-away and destroyed sessions, a forged ticket and a CSRF failure, each with
/// hashes and prefixes only — never the ticket, the user id (`log_user_ids = false`) or a key.
final class SessionEventsTests: SessionTestCase {
  /// The JSON log lines whose `event` is `event`.
  private func events(_ gatehouse: GatehouseProcess, _ event: String) -> [[String: Any]] {
    gatehouse.stdoutText.split(separator: "\n").compactMap { line in
      guard let json = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
        json["event"] as? String == event
      else { return nil }
      return json
    }
  }

  func testLifecycleAndSuspiciousActivityEventsCarryNoSecrets() throws {
    let gatehouse = try startSessionGatehouse()
    let ticket = try login(gatehouse, "alice-the-user").ticket
    XCTAssertFalse(try isAlive(gatehouse, tampered(ticket), "a forged ticket"))
    let (csrf, _) = try request(gatehouse, "POST", "/api/change", ticket: ticket)
    XCTAssertEqual(csrf.status, 403, "an unsafe request without a CSRF token")
    let (logout, _) = try request(gatehouse, "GET", "/logout-this", ticket: ticket)
    XCTAssertEqual(logout.status, 200)

    var created: [[String: Any]] = []
    var destroyed: [[String: Any]] = []
    var suspicious: [[String: Any]] = []
    XCTAssertTrue(
      waitUntil(timeout: 10) {
        created = self.events(gatehouse, "session_created")
        destroyed = self.events(gatehouse, "session_destroyed")
        suspicious = self.events(gatehouse, "suspicious_activity")
        return !created.isEmpty && !destroyed.isEmpty && suspicious.count >= 2
      }, "events written: \(gatehouse.stdoutText)")
    let session = created.first?["session"] as? String
    XCTAssertNotNil(session)
    XCTAssertEqual(created.first?["client_ip_prefix"] as? String, "127.0.0.0/24")
    XCTAssertNotEqual(created.first?["user"] as? String, "alice-the-user", "a hash, not the user id")
    XCTAssertEqual(destroyed.first?["reason"] as? String, "logout")
    XCTAssertEqual(destroyed.first?["session"] as? String, session)
    let kinds = Set(suspicious.compactMap { $0["kind"] as? String })
    XCTAssertTrue(kinds.isSuperset(of: ["forged_ticket", "csrf_failure"]), "\(kinds)")

    let logs = gatehouse.logs
    XCTAssertFalse(logs.contains(ticket), "the ticket is never logged")
    XCTAssertFalse(logs.contains(tampered(ticket)), "nor a forged one")
    // (The test app's login URL names the user, so the access log does; the events must not.)
    let eventLines = logs.split(separator: "\n").filter { !$0.contains("\"event\":\"access\"") }
    XCTAssertFalse(
      eventLines.contains { $0.contains("alice-the-user") }, "nor the user id with log_user_ids = false")
    XCTAssertFalse(logs.contains(Self.sessionKey), "nor the session key")
  }
}
