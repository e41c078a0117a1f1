import EventLoop
import Foundation
import Synchronization
import XCTest

@testable import Sessions

/// The shared `SessionStoreConformance` suite against `RedisSessionStore` on a real
/// `redis-server`, with `usesInjectedTime: false` (the store takes deadlines from Redis' clock).
final class RedisSessionStoreConformanceTests: RedisTestCase {
  func testConformance() throws {
    let server = try startServer()
    let connection = self.connection(port: server.port)
    waitReady(connection, "conformance")
    let loop = harness.loop
    // Each case gets an empty store: its own key prefix on the same server.
    let counter = Mutex(0)
    let hop = LoopHopStore(loop: loop) { prefix in
      RedisSessionStore(connection: connection.value, keyPrefix: prefix)
    }
    SessionStoreConformance(
      makeStore: {
        let n = counter.withLock { c -> Int in
          c += 1
          return c
        }
        return hop.fresh(prefix: "conf\(n):")
      },
      waitUntil: { hop.waitUntil($0) },
      usesInjectedTime: false
    ).run()
    XCTAssertGreaterThan(counter.withLock { $0 }, 5, "suite ran its cases")
  }
}

/// A `SessionStore` the conformance suite can call from the test thread: each call hops to the
/// loop thread, runs on the (loop-thread only) store there (Redis, or a composition over Redis
/// stores), and its answer is queued; the
/// suite's `waitUntil` runs the queued completions on the test thread, i.e. the calling thread,
/// as the protocol demands. Thread-safe (the queue is a `Mutex`).
final class LoopHopStore: SessionStore, @unchecked Sendable {
  private let loop: EventLoop
  private let make: (String) -> any SessionStore
  private let inbox = Mutex<[Unchecked<() -> Void>]>([])
  /// Set by `fresh` on the test thread; the store inside is used on the loop thread only.
  private var current: Unchecked<(any SessionStore)?> = Unchecked(nil)

  /// Run on the loop after every write answered and before its answer is queued, with the
  /// user key it wrote; the answer waits for `done`. Replica reads use it to wait for the
  /// replicas (`WAIT`): their reads trail the master by the replication delay (docs/redis.md
  /// §12), which the suite's read-after-write cases do not model. Nil: answers go out at once.
  private let settle: ((_ userKey: String, _ done: @escaping () -> Void) -> Void)?

  init(
    loop: EventLoop, settle: ((_ userKey: String, _ done: @escaping () -> Void) -> Void)? = nil,
    make: @escaping (String) -> any SessionStore
  ) {
    self.loop = loop
    self.settle = settle
    self.make = make
  }

  /// Switches to a new store made for `prefix` (an empty key space); returns self.
  func fresh(prefix: String) -> LoopHopStore {
    let done = DispatchSemaphore(value: 0)
    let box = Unchecked<(any SessionStore)?>(nil)
    let make = Unchecked(self.make)
    loop.execute {
      box.value = make.value(prefix)
      done.signal()
    }
    done.wait()
    current = box
    return self
  }

  /// Runs queued completions on this (the test) thread until `condition` holds (20 s at most).
  func waitUntil(_ condition: () -> Bool) {
    let deadline = Date().addingTimeInterval(20)
    while !condition() && Date() < deadline {
      let ready = inbox.withLock { queue -> [Unchecked<() -> Void>] in
        defer { queue = [] }
        return queue
      }
      for completion in ready { completion.value() }
      if ready.isEmpty { usleep(200) }
    }
  }

  /// `writing`: the user key of a write, whose answer waits for `settle`.
  private func hop<T>(
    _ completion: @escaping (Result<T, SessionError>) -> Void, writing userKey: String? = nil,
    _ start: @escaping (any SessionStore, @escaping (Result<T, SessionError>) -> Void) -> Void
  ) {
    let work = Unchecked((current, completion, start))
    loop.execute { [self] in
      let (store, completion, start) = work.value
      start(store.value!) { result in
        let deliver = { self.inbox.withLock { $0.append(Unchecked { completion(result) }) } }
        guard let settle = self.settle, let userKey else { return deliver() }
        settle(userKey, deliver)
      }
    }
  }

  func create(
    _ session: StoredSession, userKey: String, limits: SessionLimits, now: Int64,
    completion: @escaping (Result<CreateOutcome, SessionError>) -> Void
  ) {
    hop(completion, writing: userKey) {
      $0.create(session, userKey: userKey, limits: limits, now: now, completion: $1)
    }
  }

  func load(storeKey: String, now: Int64, completion: @escaping (Result<LoadOutcome, SessionError>) -> Void) {
    hop(completion) { $0.load(storeKey: storeKey, now: now, completion: $1) }
  }

  func touch(
    storeKey: String, userKey: String, lastAccess: Int64, expiresAt: Int64, now: Int64,
    completion: @escaping (Result<TouchOutcome, SessionError>) -> Void
  ) {
    hop(completion, writing: userKey) {
      $0.touch(
        storeKey: storeKey, userKey: userKey, lastAccess: lastAccess, expiresAt: expiresAt, now: now,
        completion: $1)
    }
  }

  func rotate(
    userKey: String, oldKey: String, newSession: StoredSession, forward: SealedRecord, grace: Int64,
    now: Int64, completion: @escaping (Result<RotateOutcome, SessionError>) -> Void
  ) {
    hop(completion, writing: userKey) {
      $0.rotate(
        userKey: userKey, oldKey: oldKey, newSession: newSession, forward: forward, grace: grace, now: now,
        completion: $1)
    }
  }

  func destroy(storeKey: String, userKey: String, completion: @escaping (Result<Bool, SessionError>) -> Void)
  {
    hop(completion, writing: userKey) { $0.destroy(storeKey: storeKey, userKey: userKey, completion: $1) }
  }

  func revokeAll(userKey: String, completion: @escaping (Result<[String], SessionError>) -> Void) {
    hop(completion, writing: userKey) { $0.revokeAll(userKey: userKey, completion: $1) }
  }

  func list(
    userKey: String, now: Int64, completion: @escaping (Result<[SessionSummary], SessionError>) -> Void
  ) {
    hop(completion) { $0.list(userKey: userKey, now: now, completion: $1) }
  }
}
