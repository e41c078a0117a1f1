import Foundation
import XCTest

/// Sessions on Redis (docs/DECISIONS.md §8) with real `redis-server` processes on ephemeral loopback ports,
/// stopped by pid: two gatehouse processes sharing one Redis (login, logout and admin revocation
/// seen across replicas through client-side-caching invalidations, long before the L1 TTL), and the
/// outage mode (stale grace for cached sessions, 503 for the rest and for logins, recovery).
final class RedisSessionTests: RedisSessionTestCase {
  /// `session` lines go to `[session]`, `redisKeys` to `[redis]`.
  /// The replica's `[session]` and `[redis]` lines. A test that is not about timeouts gets a
  /// command timeout a loaded machine meets (docs/testing.md, "Store timeouts in tests"): with
  /// the 50 ms default, a login's write late under load answered 503 without a cookie.
  private func redisLines(session: [String], redis redisKeys: [String]) -> [String] {
    let timeout = redisKeys.contains { $0.hasPrefix("command_timeout") } ? [] : ["command_timeout = \"2s\""]
    return ["store = \"redis\""] + session + ["[redis]", "address = \"127.0.0.1:\(redis.port)\""] + timeout
      + redisKeys
  }

  /// Starts a gatehouse on the shared Redis and waits until `/readyz` is 200 (connected and
  /// subscribed), so a test never races the first connect.
  private func startReplica(session: [String] = [], redis redisKeys: [String] = []) throws -> GatehouseProcess
  {
    let gatehouse = try startSessionGatehouse(session: redisLines(session: session, redis: redisKeys))
    let ready = waitUntil(timeout: 15) { (try? self.admin(gatehouse, "GET", "/readyz").status) == 200 }
    XCTAssertTrue(ready, "replica ready: \(gatehouse.logs)")
    // The subscriber confirms after the data connection: wait until L1 is usable.
    waitForSessionStore(gatehouse)
    return gatehouse
  }

  /// Polls `GET /api/alive` until it answers 200 (alive) or 401 (not) as `expected`, or `timeout`
  /// passes (503s while the store recovers are polled through); returns the time it took.
  private func becomes(
    _ gatehouse: GatehouseProcess, _ ticket: String, alive expected: Bool, within timeout: TimeInterval,
    _ name: String
  ) throws -> TimeInterval? {
    let start = Date()
    while Date().timeIntervalSince(start) < timeout {
      let (response, _) = try request(gatehouse, "GET", "/api/alive", ticket: ticket)
      if response.status == (expected ? 200 : 401) { return Date().timeIntervalSince(start) }
      usleep(20_000)
    }
    return nil
  }

  func testReplicasShareSessionsLogoutAndRevocation() throws {
    let a = try startReplica()
    let b = try startReplica()

    // Login on A works on B (and B now holds it in L1).
    let first = try login(a, "alice")
    XCTAssertTrue(try isAlive(b, first.ticket, "login on A, used on B"))
    XCTAssertTrue(try isAlive(a, first.ticket, "login on A, used on A"))

    // Logout on B: A (which has the session cached) refuses it once the invalidation arrives —
    // usually within milliseconds; the bounds below are generous for a loaded machine and far
    // below the L1 TTL (60 s), so only the invalidation can make them pass.
    let (logout, _) = try request(b, "GET", "/logout-this", ticket: first.ticket)
    XCTAssertEqual(logout.status, 200, "logout on B: \(logout)")
    XCTAssertNotNil(
      try becomes(a, first.ticket, alive: false, within: 10, "logout on B seen by A"),
      "A still accepts a session logged out on B after 10 s")

    // Admin revoke-all on A: B (which has both sessions cached) refuses them.
    let second = try login(a, "bob")
    let third = try login(b, "bob")
    XCTAssertTrue(try isAlive(b, second.ticket, "bob's first session on B"))
    XCTAssertTrue(try isAlive(b, third.ticket, "bob's second session on B"))
    let revoked = try admin(a, "DELETE", "/sessions?user=bob")
    XCTAssertEqual(revoked.status, 200, "admin revoke-all on A: \(revoked.body)")
    XCTAssertTrue(revoked.body.contains("\"revoked\":2"), "revoked both: \(revoked.body)")
    for (name, ticket) in [("first", second.ticket), ("second", third.ticket)] {
      XCTAssertNotNil(
        try becomes(b, ticket, alive: false, within: 10, "revoked \(name) on B"),
        "B still accepts bob's \(name) session 10 s after the admin revoked it on A")
    }

    // The admin listing goes through Redis too (answered on worker 0's loop).
    let carol = try login(b, "carol")
    let listing = try admin(a, "GET", "/sessions?user=carol")
    XCTAssertEqual(listing.status, 200, "listing: \(listing.body)")
    XCTAssertTrue(listing.body.contains("\"hash\""), "listing shows carol's session: \(listing.body)")
    XCTAssertTrue(try isAlive(a, carol.ticket, "carol on A"))

    // A change made with redis-cli (an operator deleting keys) evicts the L1 copies too.
    let dave = try login(a, "dave")
    XCTAssertTrue(try isAlive(a, dave.ticket, "dave cached on A"))
    let keys = try redis.cli(["--scan", "--pattern", "gh:s:*"]).split(separator: "\n").map(String.init)
    XCTAssertFalse(keys.isEmpty, "session keys carry the prefix")
    try redis.cli(["FLUSHALL"])
    XCTAssertNotNil(
      try becomes(a, dave.ticket, alive: false, within: 10, "FLUSHALL seen by A"),
      "A still accepts a session flushed from Redis")
  }

  func testPerUserCapUnderConcurrentLoginsThroughBothReplicas() throws {
    let a = try startReplica(session: ["max_per_user = 2"])
    let b = try startReplica(session: ["max_per_user = 2"])
    let group = DispatchGroup()
    let tickets = LockedTickets()
    let ports = [a.port, b.port]
    let prefix = "\(Self.cookieName)="
    for index in 0..<8 {
      group.enter()
      DispatchQueue.global().async {
        defer { group.leave() }
        guard let client = try? RawClient(port: ports[index % 2]) else { return }
        defer { client.close() }
        guard (try? client.send(RawClient.request("GET", "/login-as/erin", host: "x"))) != nil,
          let response = try? client.readResponse(timeout: 15)
        else { return tickets.fail("login \(index): no answer") }
        guard let cookie = response.headers.values("Set-Cookie").first(where: { $0.hasPrefix(prefix) }) else {
          return tickets.fail("login \(index): \(response.status) without a cookie")
        }
        let pair = cookie.split(separator: ";", maxSplits: 1).first.map(String.init) ?? ""
        tickets.append(String(pair.dropFirst(prefix.count)))
      }
    }
    group.wait()
    XCTAssertEqual(tickets.values.count, 8, "every concurrent login got a cookie: \(tickets.failures)")
    let listing = try admin(a, "GET", "/sessions?user=erin")
    XCTAssertEqual(
      listing.body.components(separatedBy: "\"hash\"").count - 1, 2,
      "at most 2 live sessions: \(listing.body)")
    var alive = 0
    for ticket in tickets.values where try isAlive(a, ticket, "erin's session on A (no L1 copy)") {
      alive += 1
    }
    XCTAssertLessThanOrEqual(alive, 2, "the cap holds across replicas")
  }

  /// The subscriber loses Redis before the breaker opens (here it never does): the cache is not
  /// coherent, so a cached session's request asks the store, and the lookup times out. That
  /// failure is the outage beginning: the cached session keeps its stale grace (200), as it does
  /// once the breaker is open (docs/operations.md §1). It was answered 503 before.
  func testCachedSessionServedWhenLookupFailsBeforeBreakerOpens() throws {
    let a = try startReplica(redis: [
      "breaker_failures = 1000", "stale_grace = \"30s\"", "command_timeout = \"300ms\"",
    ])
    let cached = try login(a, "ida")
    XCTAssertTrue(try isAlive(a, cached.ticket, "cached session before the outage"))

    redis.pause()
    defer { redis.resume() }
    let lost = waitUntil(timeout: 20) {
      guard let body = try? self.admin(a, "GET", "/status.json").body,
        let root = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any],
        let redis = (root["sessions"] as? [String: Any])?["redis"] as? [String: Any]
      else { return false }
      return redis["invalidations_subscribed"] as? Bool == false && redis["open_breakers"] as? Int == 0
    }
    XCTAssertTrue(lost, "the subscriber noticed the paused Redis, no breaker open: \(a.logs)")
    for attempt in 0..<4 {
      XCTAssertTrue(
        try isAlive(a, cached.ticket, "cached session while the store times out, attempt \(attempt)"))
    }
  }

  func testOutageStaleGraceDenyAndRecovery() throws {
    let a = try startReplica(redis: [
      "breaker_failures = 2", "breaker_cooldown = \"300ms\"", "stale_grace = \"20s\"",
      "command_timeout = \"50ms\"",
    ])
    let b = try startReplica()
    let cached = try login(a, "frank")
    XCTAssertTrue(try isAlive(a, cached.ticket, "cached session before the outage"))
    let uncached = try login(b, "grace")

    redis.pause()
    defer { redis.resume() }
    // The cached session keeps working on A (both workers share the L1 cache).
    for attempt in 0..<6 {
      XCTAssertTrue(try isAlive(a, cached.ticket, "cached session during the outage, attempt \(attempt)"))
    }
    // An uncached one gets 503 with Retry-After (deny). Four tries over two workers: at least
    // one worker sees breaker_failures = 2 timeouts in a row and opens its breaker.
    for attempt in 0..<4 {
      let (denied, forwarded) = try request(a, "GET", "/api/alive", ticket: uncached.ticket)
      XCTAssertEqual(denied.status, 503, "uncached session during the outage, attempt \(attempt): \(denied)")
      XCTAssertNotNil(denied.headers.value("Retry-After"), "503 carries Retry-After, attempt \(attempt)")
      XCTAssertNil(forwarded, "nothing forwarded on 503, attempt \(attempt)")
    }
    // A login gets 503, never a session that would vanish.
    let (refused, _) = try send(a, "GET", "/login-as/henry")
    XCTAssertEqual(refused.status, 503, "login during the outage: \(refused)")
    XCTAssertNil(sessionSetCookie(refused, "login during the outage"), "no cookie for a refused login")
    // A store outage never fails readiness: the pod stays in its Service, so public and JWT
    // routes keep working and the stale grace keeps serving (docs/operations.md §2).
    let readyz = try admin(a, "GET", "/readyz")
    XCTAssertEqual(readyz.status, 200, "readyz during a store outage: \(readyz.body)")

    redis.resume()
    XCTAssertNotNil(
      try becomes(a, uncached.ticket, alive: true, within: 15, "uncached session after recovery"),
      "the store did not come back within 15 s")
    // Logins work again on whichever worker takes them once its breaker closed (idle workers
    // probe on their own).
    XCTAssertTrue(
      waitUntil(timeout: 10) { (try? self.send(a, "GET", "/login-as/henry").response.status) == 200 },
      "logins work again after recovery")
  }

  /// Ids of the pub/sub clients subscribed to both of the subscriber's channels.
  private func subscriberIDs() throws -> Set<String> {
    let lines = try redis.cli(["CLIENT", "LIST", "TYPE", "pubsub"]).split(separator: "\n")
    return Set(
      lines.filter { $0.contains(" sub=2 ") }.compactMap { line in
        line.split(separator: " ").first { $0.hasPrefix("id=") }.map(String.init)
      })
  }

  /// Right after Redis answers again, the subscriber re-subscribes and flushes the L1 while the
  /// workers' breakers are still open: the flushed sessions must be loaded again, not refused
  /// with 503 until `breaker_cooldown` ends (docs/operations.md §4).
  func testCachedSessionsServedRightAfterTheSubscriberReturns() throws {
    // One worker, so the breaker that opens is the one every request meets; a cooldown far
    // longer than the test, so only the recovery signal can close it.
    let toml = sessionConfig(
      session: redisLines(
        session: [],
        redis: [
          "breaker_failures = 1", "breaker_cooldown = \"60s\"", "stale_grace = \"60s\"",
          "command_timeout = \"50ms\"",
        ])
    ).replacingOccurrences(of: "workers = 2", with: "workers = 1")
    let gatehouse = try startGatehouse(toml: toml)
    XCTAssertTrue(
      waitUntil(timeout: 15) { (try? self.admin(gatehouse, "GET", "/readyz").status) == 200 }, gatehouse.logs)
    waitForSessionStore(gatehouse)
    let cached = try login(gatehouse, "ada")
    XCTAssertTrue(try isAlive(gatehouse, cached.ticket, "cached before the outage"))

    redis.pause()
    let (refused, _) = try send(gatehouse, "GET", "/login-as/bob")
    XCTAssertEqual(refused.status, 503, "the login that opens the breaker: \(refused)")
    redis.resume()
    XCTAssertTrue(try isAlive(gatehouse, cached.ticket, "cached session under the stale grace"))

    // The subscriber loses its connection and subscribes again (as after a failed heartbeat):
    // a new pub/sub client confirmed on both its channels (invalidations and heartbeat).
    let before = try subscriberIDs()
    _ = try redis.cli(["CLIENT", "KILL", "TYPE", "pubsub"])
    XCTAssertTrue(
      waitUntil(timeout: 15) { ((try? self.subscriberIDs()) ?? []).contains { !before.contains($0) } },
      "the subscriber came back")
    for attempt in 0..<30 {
      let (response, _) = try request(gatehouse, "GET", "/api/alive", ticket: cached.ticket)
      XCTAssertEqual(
        response.status, 200, "cached session after the re-subscribe, attempt \(attempt): \(response)")
    }
  }
}

/// Tickets collected by concurrent logins. Thread-safe (NSLock).
private final class LockedTickets: @unchecked Sendable {
  private let lock = NSLock()
  private var items: [String] = []
  private var failed: [String] = []
  func append(_ ticket: String) { lock.withLock { items.append(ticket) } }
  func fail(_ reason: String) { lock.withLock { failed.append(reason) } }
  var values: [String] { lock.withLock { items } }
  var failures: [String] { lock.withLock { failed } }
}
