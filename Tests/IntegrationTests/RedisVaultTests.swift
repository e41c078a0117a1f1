import Foundation
import XCTest

/// The vault across replicas: two gatehouse processes on one `redis-server` (ephemeral port,
/// stopped by pid) see the same vaulted cookie, and a change made through one is used by the other.
final class RedisVaultTests: SessionVaultTestCase {
  private var redis: RedisTestServer!

  override func setUpWithError() throws {
    try super.setUpWithError()
    redis = try RedisTestServer()
    try redis.start()
  }

  override func tearDown() {
    redis?.stop()
    super.tearDown()
  }

  private func startReplica() throws -> GatehouseProcess {
    let gatehouse = try startSessionGatehouse(
      session: Self.vault + ["store = \"redis\"", "[redis]", "address = \"127.0.0.1:\(redis.port)\""])
    XCTAssertTrue(
      waitUntil(timeout: 15) { (try? self.admin(gatehouse, "GET", "/readyz").status) == 200 }, gatehouse.logs)
    waitForSessionStore(gatehouse)
    return gatehouse
  }

  func testSecondReplicaSeesAndUpdatesTheVault() throws {
    let a = try startReplica()
    let b = try startReplica()
    let (ticket, login) = try loginSetting(a, "alice", ["JSESSIONID=fromA; Path=/"])
    XCTAssertFalse(setCookieNames(login).contains("JSESSIONID"))
    XCTAssertEqual(appCookies(try request(b, "GET", "/app/x", ticket: ticket).forwarded), "JSESSIONID=fromA")

    let (changed, _) = try request(
      b, "GET", "/app/respond-with" + Self.query(["JSESSIONID=fromB"]), ticket: ticket)
    let rotated = cookieValue(try XCTUnwrap(sessionSetCookie(changed, "vault update on B"), "\(changed)"))
    XCTAssertEqual(appCookies(try request(a, "GET", "/app/x", ticket: rotated).forwarded), "JSESSIONID=fromB")
  }
}
