import EventLoop
import Foundation
import XCTest

@testable import Sessions

/// `RedisSessionStore` behaviour beyond the shared suite, against real `redis-server` processes:
/// what a dump reveals, NOSCRIPT, the cap under concurrent creates, outages, server-clock deadlines.
final class RedisSessionStoreTests: RedisTestCase {
  // MARK: helpers

  private func makeStore(
    _ connection: Unchecked<RedisConnection>, prefix: String = "gh:", commandTimeout: UInt64? = nil,
    touchThrottle: Int64 = second
  ) -> Unchecked<RedisSessionStore> {
    harness.sync {
      Unchecked(
        RedisSessionStore(
          connection: connection.value, keyPrefix: prefix, commandTimeout: commandTimeout,
          touchThrottle: touchThrottle))
    }
  }

  /// Runs one store operation on the loop and waits for its answer (nil: none within 15 s).
  private func op<T>(
    _ store: Unchecked<RedisSessionStore>,
    _ body: @escaping (RedisSessionStore, @escaping (Result<T, SessionError>) -> Void) -> Void
  ) -> Result<T, SessionError>? {
    harness.await(15) { done in body(store.value, done) }
  }

  private func raw(_ connection: Unchecked<RedisConnection>, _ words: [[UInt8]]) -> RedisReply? {
    harness.await(15) { done in connection.value.send(words) { done($0) } }.flatMap { try? $0.get() }
  }

  private func rawInt(_ connection: Unchecked<RedisConnection>, _ words: [String]) -> Int64? {
    raw(connection, words.map { Array($0.utf8) })?.integer
  }

  /// A real sealed session of `ticket` (record sealed under its secret), deadline `ttl` after t0.
  private func stored(_ ticket: SessionTicket, userID: String = "alice", ttl: Int64 = 30 * minute)
    -> StoredSession
  {
    let record = SessionRecord(
      userID: userID, attributes: ["team": "attr-value-q9z"], created: t0, lastAccess: t0,
      absoluteDeadline: t0 + ttl, lastRotation: t0, binding: SessionBinding(),
      csrfSecret: (0..<32).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) })
    return StoredSession(
      sealed: try! record.sealed(for: ticket),
      summary: SessionSummary(
        storeKey: ticket.storeKey, hash: ticket.hashForLogs, created: t0, lastAccess: t0, expiresAt: t0 + ttl,
        ipPrefix: "203.0.113.0/24", userAgent: "Mozilla/5.0 dump"))
  }

  private let capLimits = SessionLimits(maxPerUser: 3, onLimit: .evictOldest)

  private func create(
    _ store: Unchecked<RedisSessionStore>, _ s: StoredSession, userKey: String, now: Int64 = t0
  ) -> Result<CreateOutcome, SessionError>? {
    let limits = capLimits
    return op(store) { $0.create(s, userKey: userKey, limits: limits, now: now, completion: $1) }
  }

  private static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
    guard !needle.isEmpty, haystack.count >= needle.count else { return false }
    for start in 0...(haystack.count - needle.count)
    where haystack[start] == needle[0] && Array(haystack[start..<start + needle.count]) == needle {
      return true
    }
    return false
  }

  /// Every byte string of a reply, flattened.
  private static func strings(_ reply: RedisReply?) -> [[UInt8]] {
    switch reply {
    case .bulk(let b)?, .status(let b)?, .error(let b)?: [b]
    case .integer(let i)?: [Array(String(i).utf8)]
    case .array(let items)?: items.flatMap { strings($0) }
    case .null?, nil: []
    }
  }

  // MARK: cases

  /// KEYS + GET/HGETALL/ZRANGE + DUMP of every key: no ticket part, cookie, user id, CSRF secret
  /// or plaintext record anywhere; the sealed bytes and the hashed key names are there.
  func testDumpRevealsNoTicketMaterialOrPlaintext() throws {
    let server = try startServer()
    let connection = self.connection(port: server.port)
    waitReady(connection, "dump")
    let store = makeStore(connection)
    let userID = "dump-user-7f3a@example.test"
    let keyRing = ring(keyA)
    let tickets = (0..<4).map { _ in SessionTicket.issue(userID: userID, keyRing: keyRing) }
    let userKey = keyRing.userKey(for: userID)
    let sessions = tickets.map { stored($0, userID: userID) }
    for (i, s) in sessions.prefix(3).enumerated() {
      XCTAssertEqual(create(store, s, userKey: userKey), .success(.created(evicted: [])), "dump: create \(i)")
    }
    let toucher = tickets[0]
    XCTAssertEqual(
      op(store) {
        $0.touch(
          storeKey: toucher.storeKey, userKey: userKey, lastAccess: t0 + minute, expiresAt: t0 + 31 * minute,
          now: t0 + minute, completion: $1)
      }, .success(.touched), "dump: touch")
    let forward = try SealedRecord.forwarding(to: tickets[3], from: tickets[2])
    XCTAssertEqual(
      op(store) {
        $0.rotate(
          userKey: userKey, oldKey: tickets[2].storeKey, newSession: sessions[3], forward: forward,
          grace: minute, now: t0, completion: $1)
      }, .success(.rotated), "dump: rotate")

    var blobs: [[UInt8]] = []
    let keys = Self.strings(raw(connection, [Array("KEYS".utf8), Array("*".utf8)]))
    XCTAssertEqual(keys.count, 5, "dump: 3 live + 1 rotated-to + 1 forwarding values, 1 index = 5 keys")
    for key in keys {
      blobs.append(key)
      let type = raw(connection, [Array("TYPE".utf8), key])?.string ?? "?"
      let read: [[UInt8]] =
        switch type {
        case "hash": [Array("HGETALL".utf8), key]
        case "zset": [Array("ZRANGE".utf8), key, Array("0".utf8), Array("-1".utf8), Array("WITHSCORES".utf8)]
        default: [Array("GET".utf8), key]
        }
      let values = Self.strings(raw(connection, read))
      XCTAssertFalse(values.isEmpty, "dump: \(type) key has content")
      blobs += values
      blobs += Self.strings(raw(connection, [Array("DUMP".utf8), key]))
    }

    // Positive controls: the test reads what the store wrote.
    XCTAssertTrue(
      blobs.contains { Self.contains($0, sessions[0].sealed.bytes) }, "dump: sealed bytes present")
    XCTAssertTrue(blobs.contains { $0 == Array(("gh:" + userKey).utf8) }, "dump: index key present")
    XCTAssertTrue(blobs.contains { Self.contains($0, forward.bytes) }, "dump: forwarding record present")

    var needles: [(name: String, bytes: [UInt8])] = [
      ("user id", Array(userID.utf8)),
      ("attribute value", Array("attr-value-q9z".utf8)),
      ("csrf secret", (0..<32).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }),
      ("plaintext record", try SessionRecord(unsealing: sessions[0].sealed, for: tickets[0]).serialized()),
    ]
    for (i, t) in tickets.enumerated() {
      needles += [
        ("ticket \(i) id", t.id), ("ticket \(i) secret", t.secret),
        ("ticket \(i) id hex", Array(hexString(t.id).utf8)),
        ("ticket \(i) secret hex", Array(hexString(t.secret).utf8)),
        ("ticket \(i) id base64url", Array(base64url(t.id).utf8)),
        ("ticket \(i) secret base64url", Array(base64url(t.secret).utf8)),
        ("ticket \(i) cookie", Array(t.encode(keyRing: keyRing).utf8)),
      ]
    }
    for needle in needles {
      XCTAssertFalse(blobs.contains { Self.contains($0, needle.bytes) }, "dump reveals \(needle.name)")
    }
  }

  /// Every operation succeeds right after `SCRIPT FLUSH` (EVALSHA → NOSCRIPT → EVAL).
  func testEveryOperationSurvivesScriptFlush() throws {
    let server = try startServer()
    let connection = self.connection(port: server.port)
    waitReady(connection, "noscript")
    let store = makeStore(connection)
    let a = fixedTicket(seed: 1)
    let b = fixedTicket(seed: 2)
    let forward = try SealedRecord.forwarding(to: b, from: a)
    let limits = capLimits
    let c3 = fixedTicket(seed: 3)
    let sa = stored(a)
    let sb = stored(b)
    let sc = stored(c3)
    // The lookup on one connection runs no script (RedisSessionLookupTests): a flushed cache
    // costs it nothing, and it must not need the script back.
    let scriptless: Set<String> = ["load"]
    let cases: [(name: String, script: RedisScript, run: () -> Bool)] = [
      (
        "create", RedisSessionScripts.create,
        { self.create(store, sa, userKey: a.userKey) == .success(.created(evicted: [])) }
      ),
      (
        "load", RedisSessionScripts.load,
        { self.op(store) { $0.load(storeKey: a.storeKey, now: t0, completion: $1) } == .success(.found(sa)) }
      ),
      (
        "touch", RedisSessionScripts.touch,
        {
          self.op(store) {
            $0.touch(
              storeKey: a.storeKey, userKey: a.userKey, lastAccess: t0 + minute, expiresAt: t0 + hour,
              now: t0 + minute, completion: $1)
          } == .success(.touched)
        }
      ),
      (
        "list", RedisSessionScripts.list,
        {
          (try? self.op(store) { $0.list(userKey: a.userKey, now: t0, completion: $1) }?.get())?.map(
            \.storeKey)
            == [a.storeKey]
        }
      ),
      (
        "rotate", RedisSessionScripts.rotate,
        {
          self.op(store) {
            $0.rotate(
              userKey: a.userKey, oldKey: a.storeKey, newSession: sb, forward: forward, grace: minute,
              now: t0,
              completion: $1)
          } == .success(.rotated)
        }
      ),
      (
        "destroy", RedisSessionScripts.destroy,
        {
          self.op(store) { $0.destroy(storeKey: b.storeKey, userKey: b.userKey, completion: $1) }
            == .success(true)
        }
      ),
      (
        "revokeAll", RedisSessionScripts.revokeAll,
        {
          _ = self.op(store) { $0.create(sc, userKey: c3.userKey, limits: limits, now: t0, completion: $1) }
          try? server.cli(["SCRIPT", "FLUSH"])
          return self.op(store) { $0.revokeAll(userKey: a.userKey, completion: $1) }
            == .success([c3.storeKey])
        }
      ),
    ]
    for c in cases {
      try server.cli(["SCRIPT", "FLUSH"])
      XCTAssertEqual(try server.cli(["SCRIPT", "EXISTS", c.script.sha1]), "0", "\(c.name): flushed")
      XCTAssertTrue(c.run(), "after SCRIPT FLUSH: \(c.name) answers as expected")
      XCTAssertEqual(
        try server.cli(["SCRIPT", "EXISTS", c.script.sha1]), scriptless.contains(c.name) ? "0" : "1",
        "\(c.name): cached again by EVAL (not run at all when scriptless)")
    }
  }

  /// N creates for one user sent at once over two connections: exactly `maxPerUser` remain.
  func testConcurrentCreatesFromTwoConnectionsRespectTheCapExactly() throws {
    let server = try startServer()
    let first = self.connection(port: server.port)
    let second = self.connection(port: server.port)
    waitReady(first, "cap: first")
    waitReady(second, "cap: second")
    let n = 12
    let cases: [(name: String, onLimit: SessionPolicy.LimitAction, created: Int)] = [
      ("evict_oldest", .evictOldest, n), ("reject_new", .rejectNew, 3),
    ]
    for c in cases {
      let prefix = "cap-\(c.name):"
      let stores = [makeStore(first, prefix: prefix), makeStore(second, prefix: prefix)]
      let userKey = ring(keyA).userKey(for: "alice")
      let sessions = (0..<n).map { stored(fixedTicket(seed: UInt8(100 + $0))) }
      let limits = SessionLimits(maxPerUser: 3, onLimit: c.onLimit)
      let answers = Unchecked<[Result<CreateOutcome, SessionError>]>([])
      harness.sync {
        for (i, s) in sessions.enumerated() {
          stores[i % 2].value.create(s, userKey: userKey, limits: limits, now: t0) {
            answers.value.append($0)
          }
        }
      }
      XCTAssertTrue(waitUntil(15) { harness.sync { answers.value.count == n } }, "\(c.name): all answered")
      let outcomes = harness.sync { answers.value }
      let created = outcomes.filter { if case .success(.created) = $0 { true } else { false } }.count
      let rejected = outcomes.filter { $0 == .success(.rejectedLimitReached) }.count
      let evicted: [String] = outcomes.flatMap { outcome -> [String] in
        if case .success(.created(let e)) = outcome { return e }
        return []
      }
      XCTAssertEqual(created, c.created, "\(c.name): created")
      XCTAssertEqual(rejected, n - c.created, "\(c.name): rejected")
      XCTAssertEqual(evicted.count, c.created - 3, "\(c.name): evicted")
      XCTAssertEqual(Set(evicted).count, evicted.count, "\(c.name): each evicted once")
      XCTAssertEqual(rawInt(first, ["ZCARD", prefix + userKey]), 3, "\(c.name): index holds exactly the cap")
      XCTAssertEqual(
        Self.strings(raw(first, [Array("KEYS".utf8), Array((prefix + "s:*").utf8)])).count, 3,
        "\(c.name): exactly the cap of value keys")
    }
  }

  /// Every operation answers `.storeUnavailable`, once, whether Redis dies with the script in
  /// flight, stalls past the deadline, or is gone; never a hang.
  func testRedisDownAnswersStoreUnavailable() throws {
    let server = try startServer()
    let connection = self.connection(port: server.port)
    waitReady(connection, "down")
    let store = makeStore(connection, commandTimeout: 300_000_000)
    let a = fixedTicket(seed: 1)
    let sa = stored(a)
    XCTAssertEqual(create(store, sa, userKey: a.userKey), .success(.created(evicted: [])), "down: create")
    let limits = capLimits
    let forward = try SealedRecord.forwarding(to: fixedTicket(seed: 2), from: a)
    let sb = stored(fixedTicket(seed: 2))
    let operations:
      [(name: String, start: (RedisSessionStore, @escaping (SessionError.Kind?) -> Void) -> Void)] = [
        ("create", { s, d in s.create(sb, userKey: a.userKey, limits: limits, now: t0) { d($0.kind) } }),
        ("load", { s, d in s.load(storeKey: a.storeKey, now: t0) { d($0.kind) } }),
        (
          "touch",
          { s, d in
            s.touch(
              storeKey: a.storeKey, userKey: a.userKey, lastAccess: t0 + hour, expiresAt: t0 + hour, now: t0
            ) {
              d($0.kind)
            }
          }
        ),
        (
          "rotate",
          { s, d in
            s.rotate(
              userKey: a.userKey, oldKey: a.storeKey, newSession: sb, forward: forward, grace: 1, now: t0
            ) {
              d($0.kind)
            }
          }
        ),
        ("destroy", { s, d in s.destroy(storeKey: a.storeKey, userKey: a.userKey) { d($0.kind) } }),
        ("revokeAll", { s, d in s.revokeAll(userKey: a.userKey) { d($0.kind) } }),
        ("list", { s, d in s.list(userKey: a.userKey, now: t0) { d($0.kind) } }),
      ]
    /// Starts every operation at once on the loop; answers each one's error kind (nil = success)
    /// and how often it completed.
    func startAll() -> Unchecked<[String: [SessionError.Kind?]]> {
      let answers = Unchecked<[String: [SessionError.Kind?]]>([:])
      harness.sync {
        for o in operations { o.start(store.value) { answers.value[o.name, default: []].append($0) } }
      }
      return answers
    }
    func check(_ answers: Unchecked<[String: [SessionError.Kind?]]>, _ phase: String) {
      XCTAssertTrue(
        waitUntil(10) { harness.sync { answers.value.count == operations.count } },
        "\(phase): every op answered")
      let got = harness.sync { answers.value }
      for o in operations {
        XCTAssertEqual(got[o.name], [.storeUnavailable], "\(phase): \(o.name) fails once, storeUnavailable")
      }
    }

    // Stalled past the command deadline (SIGSTOP).
    server.pause()
    let stalled = startAll()
    check(stalled, "paused past the deadline")
    server.resume()
    XCTAssertTrue(
      waitUntil(10) { self.op(store) { $0.load(storeKey: a.storeKey, now: t0, completion: $1) } != nil },
      "recovers after SIGCONT")

    // Killed with the scripts in flight: a BLPOP ahead of them on the same connection holds them
    // unanswered until the kill, so none can sneak a reply out first.
    let blocker = Unchecked<[Result<RedisReply, RedisError>]>([])
    harness.sync {
      connection.value.send(strings: ["BLPOP", "never", "0"], timeout: 30_000_000_000) {
        blocker.value.append($0)
      }
    }
    let inFlight = startAll()
    XCTAssertTrue(
      waitUntil(10) { harness.sync { connection.value.outstanding >= operations.count + 1 } },
      "killed: scripts in flight")
    server.kill()
    check(inFlight, "killed mid-operation")
    XCTAssertFalse(harness.sync { store.value.isAvailable }, "killed: not available")

    // Gone: nothing to connect to.
    check(startAll(), "server gone")
  }

  /// Deadlines are the server's `TIME` plus the caller's `expiresAt − now`; the caller's clock
  /// (2024 in these tests) never decides liveness.
  func testDeadlinesComeFromTheServerClock() throws {
    let server = try startServer()
    let connection = self.connection(port: server.port)
    waitReady(connection, "clock")
    let store = makeStore(connection)
    let live = fixedTicket(seed: 1)
    let dead = fixedTicket(seed: 2)
    XCTAssertEqual(
      create(store, stored(live, ttl: 30 * minute), userKey: live.userKey), .success(.created(evicted: [])),
      "clock: create live")
    XCTAssertEqual(
      create(store, stored(dead, ttl: 0), userKey: dead.userKey), .success(.created(evicted: [])),
      "clock: create with expiresAt == now")
    let time = Self.strings(raw(connection, [Array("TIME".utf8)])).compactMap {
      Int64(String(decoding: $0, as: UTF8.self))
    }
    let serverMicros = time[0] * 1_000_000 + time[1]
    let score = raw(connection, ["ZSCORE", "gh:" + live.userKey, live.storeKey].map { Array($0.utf8) })?
      .string
      .flatMap { Double($0) }.map { Int64($0) }
    let expected = serverMicros + 30 * minute / 1000
    XCTAssertNotNil(score, "clock: scored")
    XCTAssertLessThan(abs((score ?? 0) - expected), 5_000_000, "clock: score = server TIME + ttl (µs), ±5 s")
    let pttl = rawInt(connection, ["PTTL", "gh:" + live.storeKey]) ?? -9
    XCTAssertGreaterThan(pttl, 30 * 60_000 - 5_000, "clock: value TTL ≈ ttl")
    XCTAssertLessThanOrEqual(pttl, 30 * 60_000 + 1, "clock: value TTL ≤ ttl")
    let cases: [(name: String, key: String, now: Int64, found: Bool)] = [
      ("live, caller's now far in the future", live.storeKey, t0 + 365 * 24 * hour, true),
      ("expiresAt == now at create", dead.storeKey, t0, false),
    ]
    for c in cases {
      let result = op(store) { $0.load(storeKey: c.key, now: c.now, completion: $1) }
      XCTAssertEqual(result.map { (try? $0.get()) != .notFound }, c.found, "clock: \(c.name)")
    }
  }

  /// Touch writes at most once per `touchThrottle` (caller clock), and never backwards.
  func testTouchIsThrottledServerSide() throws {
    let server = try startServer()
    let connection = self.connection(port: server.port)
    waitReady(connection, "throttle")
    let store = makeStore(connection, touchThrottle: 10 * second)
    let a = fixedTicket(seed: 1)
    XCTAssertEqual(
      create(store, stored(a), userKey: a.userKey), .success(.created(evicted: [])), "throttle: create")
    let cases: [(name: String, at: Int64, expected: TouchOutcome, lastAccess: Int64)] = [
      ("within the throttle after create", t0 + 9 * second, .unchanged, t0),
      ("just past the throttle", t0 + 10 * second + 1, .touched, t0 + 10 * second + 1),
      ("within the throttle after that touch", t0 + 15 * second, .unchanged, t0 + 10 * second + 1),
      ("backwards", t0 + 5 * second, .unchanged, t0 + 10 * second + 1),
      ("past the throttle again", t0 + 21 * second, .touched, t0 + 21 * second),
    ]
    for c in cases {
      XCTAssertEqual(
        op(store) {
          $0.touch(
            storeKey: a.storeKey, userKey: a.userKey, lastAccess: c.at, expiresAt: c.at + 30 * minute,
            now: c.at,
            completion: $1)
        }, .success(c.expected), c.name)
      guard
        case .success(.found(let s))? = op(
          store, { $0.load(storeKey: a.storeKey, now: c.at, completion: $1) })
      else { return XCTFail("\(c.name): load") }
      XCTAssertEqual(s.summary.lastAccess, c.lastAccess, "\(c.name): stored last access")
    }
  }

  /// Sealed bytes of every value (NUL, CR LF, high bytes) come back unchanged.
  func testSealedBytesAreBinarySafe() throws {
    let server = try startServer()
    let connection = self.connection(port: server.port)
    waitReady(connection, "binary")
    let store = makeStore(connection)
    let payloads: [(name: String, tail: [UInt8])] = [
      ("NUL bytes", [UInt8](repeating: 0, count: 40)),
      ("CR LF and RESP markers", Array("\r\n$-1\r\n*3\r\n:0\r\n".utf8) + [UInt8](repeating: 13, count: 30)),
      ("every byte value", (0...255).map { UInt8($0) }),
    ]
    for (i, p) in payloads.enumerated() {
      let t = fixedTicket(seed: UInt8(i + 1))
      var s = stored(t)
      s.sealed = try SealedRecord(bytes: [SealedRecord.version] + p.tail)
      s.summary.userAgent = ""
      s.summary.ipPrefix = ""
      XCTAssertEqual(
        create(store, s, userKey: t.userKey), .success(.created(evicted: [])), "\(p.name): create")
      XCTAssertEqual(
        op(store) { $0.load(storeKey: t.storeKey, now: t0, completion: $1) }, .success(.found(s)),
        "\(p.name): load")
    }
  }
}

extension Result where Failure == SessionError {
  /// The error's kind, nil on success.
  fileprivate var kind: SessionError.Kind? {
    if case .failure(let error) = self { return error.kind }
    return nil
  }
}
