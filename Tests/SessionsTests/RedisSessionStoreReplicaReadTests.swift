import EventLoop
import XCTest

@testable import Sessions

/// `RedisSessionStore`'s replica-read rules against a scripted transport (no server): which
/// node each operation asks, with which deadline, and when a lookup falls back to the master.
final class RedisSessionStoreReplicaReadTests: XCTestCase {
  /// Records every script run and answers it from `answer`, synchronously inside `complete()`.
  private final class ScriptedTransport: RedisScriptTransport {
    let loop: EventLoop
    var isAvailable = true
    var hasReplicas = true
    var scanConnections: [RedisConnection] { [] }
    var answer: (RedisReadTarget) -> Result<RedisReply, RedisError> = { _ in .success(.array([.integer(0)])) }
    private(set) var calls: [(target: RedisReadTarget, timeout: UInt64?, script: String)] = []
    private var queued: [() -> Void] = []

    init() throws { loop = try EventLoop() }

    func run(
      _ script: RedisScript, keys: [[UInt8]], args: [[UInt8]], on target: RedisReadTarget, timeout: UInt64?,
      _ completion: @escaping (Result<RedisReply, RedisError>) -> Void
    ) {
      calls.append((target, timeout, script.sha1))
      let answer = self.answer(target)
      queued.append { completion(answer) }
    }

    func waitForReplicas(
      _ replicas: Int, timeoutMillis: Int, key: [UInt8], timeout: UInt64?,
      _ completion: @escaping (Result<Int, RedisError>) -> Void
    ) {
      queued.append { completion(.success(0)) }
    }

    /// Runs queued completions (and any they queue) until none is left.
    func complete() {
      while !queued.isEmpty { queued.removeFirst()() }
    }
  }

  private let ticket = fixedTicket(seed: 9)
  private let found = RedisReply.array(
    [.integer(1), .bulk([SealedRecord.version] + [UInt8](repeating: 5, count: 40))]
      + ["1", "2", "3", "ip", "ua", "h"].map { .bulk(Array($0.utf8)) })
  private let malformed = RedisReply.array(
    [.integer(1), .bulk([0xEE])] + ["1", "2", "3", "ip", "ua", "h"].map { .bulk(Array($0.utf8)) })
  private let missing = RedisReply.array([.integer(0)])

  private func load(
    _ transport: ScriptedTransport, readFrom: RedisReadFrom
  ) -> (String?, [RedisLoadPath]) {
    let store = RedisSessionStore(
      transport: transport, commandTimeout: 40_000_000, readFrom: readFrom, replicaTimeout: 10_000_000)
    var paths: [RedisLoadPath] = []
    store.onLoad = { paths.append($0) }
    var outcome: String?
    store.load(storeKey: ticket.storeKey, now: t0) { result in
      switch result {
      case .success(.found): outcome = "found"
      case .success(.notFound): outcome = "notFound"
      case .success(.forwarded): outcome = "forwarded"
      case .failure(let error): outcome = error.kind.rawValue
      }
    }
    transport.complete()
    return (outcome, paths)
  }

  func testLookupPathsAndDeadlines() throws {
    let ms: UInt64 = 1_000_000
    let cases:
      [(
        name: String, readFrom: RedisReadFrom, hasReplicas: Bool,
        replica: Result<RedisReply, RedisError>?, master: Result<RedisReply, RedisError>?,
        outcome: String, paths: [RedisLoadPath], calls: [String]
      )] = [
        ("master only", .master, true, nil, .success(found), "found", [.master], ["master 40"]),
        (
          "no replica known", .replicaPreferred, false, nil, .success(found), "found", [.master],
          ["master 40"]
        ),
        (
          "replica answers", .replicaPreferred, true, .success(found), nil, "found", [.replica],
          ["replica 10"]
        ),
        (
          "replica misses, master has it", .replicaPreferred, true, .success(missing), .success(found),
          "found",
          [.masterAfterReplicaMiss], ["replica 10", "master 40"]
        ),
        (
          "both miss", .replicaPreferred, true, .success(missing), .success(missing), "notFound",
          [.masterAfterReplicaMiss], ["replica 10", "master 40"]
        ),
        (
          "replica late", .replicaPreferred, true, .failure(.timeout), .success(found), "found",
          [.masterAfterReplicaFailure], ["replica 10", "master 40"]
        ),
        (
          "replica loading", .replicaPreferred, true, .failure(.server("LOADING")), .success(found), "found",
          [.masterAfterReplicaFailure], ["replica 10", "master 40"]
        ),
        (
          "both down", .replicaPreferred, true, .failure(.disconnected), .failure(.timeout),
          "storeUnavailable",
          [.masterAfterReplicaFailure], ["replica 10", "master 40"]
        ),
        (
          "a malformed record is an answer, not an outage", .replicaPreferred, true, .success(malformed), nil,
          "malformedRecord", [.replica], ["replica 10"]
        ),
      ]
    for c in cases {
      let transport = try ScriptedTransport()
      transport.hasReplicas = c.hasReplicas
      transport.answer = { target in
        (target == .replica ? c.replica : c.master) ?? .failure(.protocol("not expected"))
      }
      let (outcome, paths) = load(transport, readFrom: c.readFrom)
      XCTAssertEqual(outcome, c.outcome, c.name)
      XCTAssertEqual(paths, c.paths, c.name)
      XCTAssertEqual(
        transport.calls.map { "\($0.target == .master ? "master" : "replica") \(($0.timeout ?? 0) / ms)" },
        c.calls, c.name)
    }
  }

  func testEveryOtherOperationGoesToTheMaster() throws {
    let transport = try ScriptedTransport()
    transport.answer = { _ in .success(.integer(0)) }
    let store = RedisSessionStore(transport: transport, readFrom: .replicaPreferred)
    let session = StoredSession(
      sealed: try SealedRecord(bytes: [SealedRecord.version] + [UInt8](repeating: 1, count: 40)),
      summary: SessionSummary(
        storeKey: ticket.storeKey, hash: ticket.hashForLogs, created: t0, lastAccess: t0,
        expiresAt: t0 + hour,
        ipPrefix: "", userAgent: ""))
    let forward = try SealedRecord.forwarding(to: fixedTicket(seed: 10), from: ticket)
    store.create(
      session, userKey: ticket.userKey, limits: SessionLimits(maxPerUser: 3, onLimit: .evictOldest), now: t0
    ) { _ in }
    store.touch(
      storeKey: ticket.storeKey, userKey: ticket.userKey, lastAccess: t0, expiresAt: t0 + hour, now: t0
    ) { _ in }
    store.rotate(
      userKey: ticket.userKey, oldKey: ticket.storeKey, newSession: session, forward: forward, grace: 1,
      now: t0
    ) { _ in }
    store.destroy(storeKey: ticket.storeKey, userKey: ticket.userKey) { _ in }
    store.revokeAll(userKey: ticket.userKey) { _ in }
    store.list(userKey: ticket.userKey, now: t0) { _ in }
    transport.complete()
    XCTAssertEqual(transport.calls.count, 6)
    XCTAssertTrue(
      transport.calls.allSatisfy { $0.target == .master }, "writes, revoke and list use the master")
  }

  /// Deadlines per direction: lookups (`load`, `list`) get `readTimeout`, every write
  /// `writeTimeout`; without them both are `commandTimeout`.
  func testReadAndWriteDeadlines() throws {
    let ms: UInt64 = 1_000_000
    let transport = try ScriptedTransport()
    transport.hasReplicas = false
    transport.answer = { _ in .success(.integer(0)) }
    let store = RedisSessionStore(transport: transport, commandTimeout: 50 * ms)
    store.touch(
      storeKey: ticket.storeKey, userKey: ticket.userKey, lastAccess: t0, expiresAt: t0 + hour, now: t0
    ) { _ in }
    store.readTimeout = 5 * ms
    store.writeTimeout = 10 * ms
    store.load(storeKey: ticket.storeKey, now: t0) { _ in }
    store.list(userKey: ticket.userKey, now: t0) { _ in }
    store.touch(
      storeKey: ticket.storeKey, userKey: ticket.userKey, lastAccess: t0, expiresAt: t0 + hour, now: t0
    ) { _ in }
    store.destroy(storeKey: ticket.storeKey, userKey: ticket.userKey) { _ in }
    transport.complete()
    XCTAssertEqual(transport.calls.map(\.timeout), [50 * ms, 5 * ms, 5 * ms, 10 * ms, 10 * ms])
  }
}
