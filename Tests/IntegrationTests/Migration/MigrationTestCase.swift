import Foundation
import XCTest

/// Shared set-up of the session migration tests (docs/migration.md): two `redis-server`
/// processes (`fromRedis`, `toRedis`) stopped by pid, gatehouse replicas configured for a
/// Redis → Redis move, and helpers for the admin API and metrics.
class MigrationTestCase: SessionTestCase {
  var fromRedis: RedisTestServer!
  var toRedis: RedisTestServer!
  static let cap = 3

  override func setUpWithError() throws {
    try super.setUpWithError()
    fromRedis = try RedisTestServer()
    try fromRedis.start()
    toRedis = try RedisTestServer()
    try toRedis.start()
  }

  override func tearDown() {
    fromRedis?.stop()
    toRedis?.stop()
    super.tearDown()
  }

  /// `[session]` lines for a Redis → Redis migration in `mode`: `session` goes to `[session]`,
  /// `migration` to `[session.migration]`, `target` to `[redis.target]`.
  func redisToRedis(
    mode: String, session: [String] = [], migration: [String] = [], target: [String] = []
  ) -> [String] {
    [
      "store = \"redis\"", "max_per_user = \(Self.cap)", "on_limit = \"reject_new\"",
      "rotation_interval = \"3s\"", "rotation_grace = \"1s\"", "touch_interval = \"1s\"",
    ] + session + ["[session.cache]", "ttl = \"500ms\"", "[session.migration]", "mode = \"\(mode)\""]
      + migration
      + ["[redis]", "address = \"127.0.0.1:\(fromRedis.port)\"", "command_timeout = \"1s\""]
      + ["[redis.target]", "address = \"127.0.0.1:\(toRedis.port)\"", "command_timeout = \"1s\""] + target
  }

  /// Starts a replica and waits until `/readyz` is 200 (fleet key read) and every worker's
  /// Redis links are ready (`waitForSessionStore`).
  func startReplica(_ lines: [String]) throws -> GatehouseProcess {
    let gatehouse = try startSessionGatehouse(session: lines)
    let ready = waitUntil(timeout: 10) { (try? self.admin(gatehouse, "GET", "/readyz").status) == 200 }
    XCTAssertTrue(ready, "replica ready: \(gatehouse.logs)")
    waitForSessionStore(gatehouse)
    return gatehouse
  }

  /// One admin request with an optional body (no token).
  func adminRequest(_ gatehouse: GatehouseProcess, _ method: String, _ target: String, body: String = "")
    throws -> (status: Int, body: String)
  {
    let client = try RawClient(port: gatehouse.adminPort)
    defer { client.close() }
    try client.sendRequest(method, target, host: "127.0.0.1", body: Array(body.utf8))
    let response = try client.readResponse(requestMethod: method)
    return (response.status, response.bodyText)
  }

  /// `PUT /migration` on `gatehouse`; fails the test unless it answers 200.
  @discardableResult
  func put(
    _ gatehouse: GatehouseProcess, mode: String, percentage: Int? = nil, file: StaticString = #filePath,
    line: UInt = #line
  ) throws -> String {
    let body = percentage.map { "{\"mode\":\"\(mode)\",\"percentage\":\($0)}" } ?? "{\"mode\":\"\(mode)\"}"
    let answer = try adminRequest(gatehouse, "PUT", "/migration", body: body)
    XCTAssertEqual(answer.status, 200, "PUT \(body): \(answer.body)", file: file, line: line)
    return answer.body
  }

  /// What `GET /migration` reports as mode and percentage.
  func applied(_ gatehouse: GatehouseProcess) -> (mode: String, percentage: Int, source: String)? {
    guard let answer = try? adminRequest(gatehouse, "GET", "/migration"), answer.status == 200,
      let object = try? JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any],
      let mode = object["mode"] as? String, let percentage = object["percentage"] as? Int,
      let source = object["source"] as? String
    else { return nil }
    return (mode, percentage, source)
  }

  /// The sum of a metric family's samples on `gatehouse` (`name` prefix of the sample lines).
  func metric(_ gatehouse: GatehouseProcess, _ name: String) -> Double {
    guard let answer = try? adminRequest(gatehouse, "GET", "/metrics") else { return -1 }
    var sum = 0.0
    for line in answer.body.split(separator: "\n")
    where line.hasPrefix(name + "{") || line.hasPrefix(name + " ") {
      sum += Double(line.split(separator: " ").last ?? "") ?? 0
    }
    return sum
  }

  /// The session and per-user index keys in `redis` (`gh:s:*`, `gh:u:*`). Not `DBSIZE`: worker 0
  /// of every replica writes a short-lived health-probe key (`gh:health:{0}`) into each Redis it
  /// uses once a second.
  func sessionKeys(_ redis: RedisTestServer) throws -> [String] {
    try ["gh:s:*", "gh:u:*"].flatMap { pattern in
      try redis.cli(["--scan", "--pattern", pattern]).split(separator: "\n").map(String.init)
    }
  }

  /// Logs `users` in `perUser` times each through `gatehouse`; answers each user's tickets.
  func logIn(_ gatehouse: GatehouseProcess, users: [String], perUser: Int) throws -> [String: [String]] {
    var out: [String: [String]] = [:]
    for user in users {
      for _ in 0..<perUser { out[user, default: []].append(try login(gatehouse, user).ticket) }
    }
    return out
  }
}
