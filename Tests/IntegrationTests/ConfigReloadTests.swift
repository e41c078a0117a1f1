import Foundation
import Glibc
import XCTest

/// SIGHUP reloads are whole or refused (docs/operations.md §3): session keys rotate (old tickets
/// stay valid, new ones are signed by the new key, a removed key is retired), a renamed cookie is
/// still read under its old name and moved to the new one, `max_connections` applies at once,
/// and a change that needs a restart refuses the whole reload with the keys named.
final class ConfigReloadTests: SessionTestCase {
  /// A second literal key, different from `sessionKey`.
  private static let otherKey = String(SessionTestCase.sessionKey.reversed()) + "x"

  /// Rewrites the config, sends SIGHUP and waits for the reload's verdict in the log.
  private func reload(
    _ gatehouse: GatehouseProcess, _ toml: String, expect verdict: String = "configuration reloaded"
  )
    throws
  {
    let before = gatehouse.logs.components(separatedBy: verdict).count
    try gatehouse.rewriteConfig(toml)
    gatehouse.signal(SIGHUP)
    XCTAssertTrue(
      waitUntil(timeout: 15) { gatehouse.logs.components(separatedBy: verdict).count > before },
      "no \"\(verdict)\" after SIGHUP: \(gatehouse.logs)")
  }

  private func withKeys(_ keys: [String], _ toml: String) -> String {
    toml.replacingOccurrences(
      of: "keys = [\"\(Self.sessionKey)\"]",
      with: "keys = [\(keys.map { "\"\($0)\"" }.joined(separator: ", "))]")
  }

  func testKeyRotationBySIGHUP() throws {
    let base = sessionConfig()
    let gatehouse = try startGatehouse(toml: base)
    let old = try login(gatehouse, "alice").ticket

    // Prepend a new key: old tickets stay valid, new ones are signed by the new key.
    try reload(gatehouse, withKeys([Self.otherKey, Self.sessionKey], base))
    XCTAssertTrue(try isAlive(gatehouse, old, "ticket of the old key after the rotation"))
    let new = try login(gatehouse, "bob").ticket
    XCTAssertTrue(try isAlive(gatehouse, new, "ticket of the new key"))

    // Retire the old key: its tickets stop working, the new key's keep working.
    try reload(gatehouse, withKeys([Self.otherKey], base))
    XCTAssertFalse(try isAlive(gatehouse, old, "ticket of the retired key"))
    XCTAssertTrue(try isAlive(gatehouse, new, "ticket of the new key after the old one was retired"))
  }

  func testRenamedCookieIsReadUnderBothNamesAndMoved() throws {
    let base = sessionConfig()
    let gatehouse = try startGatehouse(toml: base)
    let ticket = try login(gatehouse, "carol").ticket
    try reload(
      gatehouse,
      base.replacingOccurrences(of: "cookie_name = \"\(Self.cookieName)\"", with: "cookie_name = \"gh_next\"")
    )

    // The old name still works, and the answer moves the session to the new name.
    let (response, forwarded) = try request(gatehouse, "GET", "/api/alive", ticket: ticket)
    XCTAssertEqual(response.status, 200, "old cookie name after the rename: \(response)")
    XCTAssertEqual(forwarded?.headers.value("X-User-Id"), "carol")
    XCTAssertFalse(
      forwarded?.headers.values("Cookie").joined().contains(ticket) ?? true,
      "the ticket never reaches the app")
    let cookies = response.headers.values("Set-Cookie")
    let moved = try XCTUnwrap(
      cookies.first { $0.hasPrefix("gh_next=") }, "cookie under the new name: \(cookies)")
    XCTAssertTrue(
      cookies.contains { $0.hasPrefix("\(Self.cookieName)=;") && $0.contains("Max-Age=0") },
      "old cookie deleted: \(cookies)")
    let (again, _) = try request(
      gatehouse, "GET", "/api/alive", ticket: nil, extraCookies: cookieValuePair(moved))
    XCTAssertEqual(again.status, 200, "the moved cookie works: \(again)")

    // New logins are issued under the new name only.
    let (login, _) = try send(gatehouse, "GET", "/login-as/dave")
    let issued = login.headers.values("Set-Cookie")
    XCTAssertTrue(issued.contains { $0.hasPrefix("gh_next=") }, "login after the rename: \(issued)")
    XCTAssertFalse(
      issued.contains { $0.hasPrefix("\(Self.cookieName)=") }, "login after the rename: \(issued)")
  }

  private func cookieValuePair(_ setCookie: String) -> String {
    setCookie.split(separator: ";", maxSplits: 1).first.map(String.init) ?? ""
  }

  func testRestartOnlyChangeRefusesTheWholeReload() throws {
    let base = sessionConfig()
    let gatehouse = try startGatehouse(toml: base)
    let ticket = try login(gatehouse, "erin").ticket
    // A new worker count (restart only) together with a new key and a new public route.
    let changed =
      withKeys([Self.otherKey], base).replacingOccurrences(of: "workers = 2", with: "workers = 3")
      + "\n[[route]]\npath_prefix = \"/open/\"\nauth = \"public\"\n"
    try reload(gatehouse, changed, expect: "configuration reload refused")
    XCTAssertTrue(gatehouse.logs.contains("server.workers"), "the refusal names the key: \(gatehouse.logs)")
    XCTAssertTrue(try isAlive(gatehouse, ticket, "the old key is still the running one"))
    XCTAssertEqual(
      try send(gatehouse, "GET", "/open/x").response.status, 401, "the new route was not applied")
    let metrics = try admin(gatehouse, "GET", "/metrics")
    XCTAssertTrue(
      metrics.body.contains("gatehouse_config_reloads_total{result=\"refused\"} 1"), "refused reload counted")
  }

  func testMaxConnectionsAppliesOnReload() throws {
    let base = sessionConfig()
    let gatehouse = try startGatehouse(toml: base)
    let held = try (0..<2).map { _ in try gatehouse.connect() }
    for client in held {
      try client.sendRequest("GET", "/__probe")
      XCTAssertEqual(try client.readResponse().status, 200)
    }
    try reload(
      gatehouse, base.replacingOccurrences(of: "[limits]\n", with: "[limits]\nmax_connections = 2\n"))
    XCTAssertFalse(held[0].isClosedByPeer(timeout: 0.1), "connections above the new bound are kept")
    let extra = try gatehouse.connect()
    try? extra.sendRequest("GET", "/__probe")
    let answer = try? extra.readResponse(timeout: 1)
    XCTAssertNil(
      answer, "a third connection is refused at max_connections = 2: \(String(describing: answer))")
    try reload(gatehouse, base)
    let (response, _) = try send(gatehouse, "GET", "/__probe")
    XCTAssertEqual(response.status, 200, "room again after the bound went back up")
  }

  /// `[redis]` durability applies to the running workers (a Redis without replicas then refuses
  /// logins), `/config` names the generation, and a Redis timeout change is refused by name.
  func testRedisSettingsApplyLiveOrAreRefusedByName() throws {
    let redis = try RedisTestServer()
    try redis.start()
    defer { redis.stop() }
    let redisLines = [
      "store = \"redis\"", "[redis]", "address = \"127.0.0.1:\(redis.port)\"", "command_timeout = \"200ms\"",
    ]
    let base = sessionConfig(session: redisLines)
    let gatehouse = try startGatehouse(toml: base)
    XCTAssertTrue(
      waitUntil(timeout: 15) { (try? self.admin(gatehouse, "GET", "/readyz").status) == 200 }, gatehouse.logs)
    waitForSessionStore(gatehouse)
    XCTAssertEqual(try send(gatehouse, "GET", "/login-as/fay").response.status, 200, "login, no WAIT")
    XCTAssertTrue(try admin(gatehouse, "GET", "/config").body.hasPrefix("# generation 1, loaded "))

    let durable = sessionConfig(
      session: redisLines + ["min_replicas_acked = 1", "replica_ack_timeout = \"5ms\""])
    try reload(gatehouse, durable)
    let (refused, _) = try send(gatehouse, "GET", "/login-as/gus")
    XCTAssertEqual(refused.status, 503, "no replica acknowledged the login: \(refused)")
    XCTAssertNil(sessionSetCookie(refused, "unacknowledged login"), "no cookie for it")
    XCTAssertTrue(try admin(gatehouse, "GET", "/config").body.hasPrefix("# generation 2, loaded "))

    try reload(
      gatehouse,
      durable.replacingOccurrences(of: "command_timeout = \"200ms\"", with: "command_timeout = \"300ms\""),
      expect: "configuration reload refused")
    XCTAssertTrue(gatehouse.logs.contains("redis.command_timeout"), "the refusal names the key")
    XCTAssertEqual(
      try send(gatehouse, "GET", "/login-as/hal").response.status, 503, "the running config stays")
  }
}
