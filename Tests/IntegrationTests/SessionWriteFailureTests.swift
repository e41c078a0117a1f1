import Foundation
import XCTest

/// A logout or revocation the store does not write is never reported as done (docs/security.md,
/// "Revocation that could not be written"): a real `redis-server` turned read-only (`REPLICAOF` a
/// port nobody listens on keeps its data and refuses writes), then writable again.
final class SessionWriteFailureTests: RedisSessionTestCase {
  private func startOnRedis() throws -> GatehouseProcess {
    let gatehouse = try startSessionGatehouse(session: [
      "store = \"redis\"", "[redis]", "address = \"127.0.0.1:\(redis.port)\"",
    ])
    XCTAssertTrue(
      waitUntil(timeout: 15) { (try? self.admin(gatehouse, "GET", "/readyz").status) == 200 },
      "ready: \(gatehouse.logs)")
    waitForSessionStore(gatehouse)
    // Both workers connected: a login answered by either works (its record is removed again).
    XCTAssertTrue(
      waitUntil(timeout: 10) {
        (0..<4).allSatisfy { _ in (try? self.send(gatehouse, "GET", "/login-as/warmup").0.status) == 200 }
      }, "logins work: \(gatehouse.logs)")
    try redis.cli(["FLUSHALL"])
    return gatehouse
  }

  private func readOnly() throws {
    let dead = try RedisTestServer.freePort()
    XCTAssertEqual(
      try redis.cli(["REPLICAOF", "127.0.0.1", "\(dead)"]).trimmingCharacters(in: .whitespacesAndNewlines),
      "OK")
  }

  private func writable() throws {
    XCTAssertEqual(
      try redis.cli(["REPLICAOF", "NO", "ONE"]).trimmingCharacters(in: .whitespacesAndNewlines), "OK")
  }

  private func sessionKeys() throws -> [String] {
    try redis.cli(["--scan", "--pattern", "*s:{*"]).split(separator: "\n").map(String.init)
  }

  private func metric(_ gatehouse: GatehouseProcess, _ operation: String) throws -> String? {
    let body = try admin(gatehouse, "GET", "/metrics").body
    let prefix = #"gatehouse_session_write_failures_total{operation="\#(operation)"} "#
    return body.split(separator: "\n").first { $0.hasPrefix(prefix) }.map {
      String($0.dropFirst(prefix.count))
    }
  }

  func testALogoutTheStoreCannotWriteIs503AndTheTicketStaysRevokedHere() throws {
    let gatehouse = try startOnRedis()
    let (ticket, _, _) = try login(gatehouse, "alice")
    XCTAssertTrue(try isAlive(gatehouse, ticket, "after login"))
    XCTAssertEqual(try sessionKeys().count, 1, "one session record")

    try readOnly()
    let (logout, forwarded) = try request(gatehouse, "GET", "/logout-this", ticket: ticket)
    XCTAssertNotNil(forwarded, "the app saw the logout request")
    XCTAssertEqual(logout.status, 503, "a logout that was not written: \(logout)")
    XCTAssertEqual(logout.headers.value("Retry-After"), "1")
    let deletion = try XCTUnwrap(sessionSetCookie(logout, "logout"), "the browser's cookie is still deleted")
    XCTAssertEqual(cookieValue(deletion), "")
    XCTAssertTrue(
      waitUntil(timeout: 10) { gatehouse.logs.contains("session_write_failed") },
      "security event: \(gatehouse.logs)")
    XCTAssertTrue(gatehouse.logs.contains("operation=logout"), gatehouse.logs)
    XCTAssertFalse(gatehouse.logs.contains(ticket), "the ticket never reaches a log")
    XCTAssertEqual(try metric(gatehouse, "logout"), "1")
    XCTAssertEqual(try sessionKeys().count, 1, "the record lives on in the store")
    XCTAssertFalse(try isAlive(gatehouse, ticket, "old cookie while read-only"))

    // Writable again: the record still exists, yet the old cookie stays refused here, and
    // presenting it again retries the deletion (at most every 5 s) until the record is gone.
    try writable()
    XCTAssertFalse(try isAlive(gatehouse, ticket, "old cookie once writable"))
    XCTAssertTrue(
      waitUntil(timeout: 12) {
        _ = try? self.request(gatehouse, "GET", "/api/alive", ticket: ticket)
        return (try? self.sessionKeys().isEmpty) == true
      }, "the deletion is retried and goes through")
    XCTAssertFalse(try isAlive(gatehouse, ticket, "old cookie after the deletion"))
    let (fresh, _, _) = try login(gatehouse, "alice")
    XCTAssertTrue(try isAlive(gatehouse, fresh, "a new login works"))
  }

  /// A reload replaces the session service; the tickets it remembers as revoked must come along
  /// (a fresh memory would let the unwritten logout's cookie back in from the store).
  func testAReloadKeepsTheTicketsRevokedHere() throws {
    let gatehouse = try startOnRedis()
    // A session setting changes, so the reload builds a new session service.
    let toml = sessionConfig(session: [
      "idle_timeout = \"45m\"", "store = \"redis\"", "[redis]", "address = \"127.0.0.1:\(redis.port)\"",
    ])
    let (ticket, _, _) = try login(gatehouse, "alice")
    try readOnly()
    XCTAssertEqual(try request(gatehouse, "GET", "/logout-this", ticket: ticket).0.status, 503)
    XCTAssertFalse(try isAlive(gatehouse, ticket, "old cookie before the reload"))

    let before = gatehouse.logs.components(separatedBy: "configuration reloaded").count
    try gatehouse.rewriteConfig(toml)
    gatehouse.signal(SIGHUP)
    XCTAssertTrue(
      waitUntil(timeout: 15) {
        gatehouse.logs.components(separatedBy: "configuration reloaded").count > before
      },
      "reloaded: \(gatehouse.logs)")
    XCTAssertEqual(try sessionKeys().count, 1, "the record still lives in the read-only store")
    XCTAssertFalse(try isAlive(gatehouse, ticket, "old cookie after the reload"))
  }

  func testLogoutAllAndAdminRevocationThatFailAreReported() throws {
    let gatehouse = try startOnRedis()
    let (first, _, _) = try login(gatehouse, "bob")
    let (second, _, _) = try login(gatehouse, "bob")
    let hash = try identity(gatehouse, second).hash

    try readOnly()
    let (logoutAll, _) = try request(gatehouse, "GET", "/logout-all", ticket: first)
    XCTAssertEqual(logoutAll.status, 503, "logout-all not written: \(logoutAll)")
    XCTAssertNotNil(sessionSetCookie(logoutAll, "logout-all"), "deletion cookie")
    XCTAssertEqual(try metric(gatehouse, "logout_all"), "1")
    XCTAssertFalse(try isAlive(gatehouse, first, "the presented session is remembered as revoked"))

    let revoke = try admin(gatehouse, "DELETE", "/sessions/\(hash)?user=bob")
    XCTAssertEqual(revoke.status, 503, "admin revocation not written: \(revoke.body)")
    XCTAssertEqual(try metric(gatehouse, "revoke"), "1")
    XCTAssertFalse(try isAlive(gatehouse, second, "the revoked session is refused here"))
    XCTAssertEqual(try sessionKeys().count, 2, "both records live on in the store")
    XCTAssertTrue(gatehouse.logs.contains("operation=revoke"), gatehouse.logs)
  }
}
