import Foundation
import Synchronization
import XCTest

@testable import Sessions

/// Session helpers for the cluster tests: many users spread over the slots, a store over a
/// cluster client, and batch create/load run on the loop.
extension RedisTestCase {
  /// `count` tickets of users `u0…`, one session each (their tags scatter over the slots).
  func clusterTickets(_ count: Int, prefix: String = "u") -> [SessionTicket] {
    let keyRing = ring(keyA)
    return (0..<count).map { i in
      SessionTicket(
        userTag: keyRing.userTag(for: "\(prefix)\(i)"),
        id: (0..<16).map { UInt8(truncatingIfNeeded: i &* 7 &+ $0) },
        secret: [UInt8](repeating: UInt8(truncatingIfNeeded: i), count: 32))
    }
  }

  func storedSession(_ ticket: SessionTicket, ttl: Int64 = 30 * minute) -> StoredSession {
    StoredSession(
      sealed: try! SealedRecord(bytes: [SealedRecord.version] + [UInt8](repeating: ticket.id[0], count: 40)),
      summary: SessionSummary(
        storeKey: ticket.storeKey, hash: ticket.hashForLogs, created: t0, lastAccess: t0, expiresAt: t0 + ttl,
        ipPrefix: "203.0.113.0/24", userAgent: "UA"))
  }

  func clusterStore(
    _ client: Unchecked<RedisClusterClient>, readFrom: RedisReadFrom = .master, commandTimeout: UInt64? = nil,
    replicaTimeout: UInt64? = nil
  ) -> Unchecked<RedisSessionStore> {
    harness.sync {
      Unchecked(
        RedisSessionStore(
          transport: client.value, commandTimeout: commandTimeout, readFrom: readFrom,
          replicaTimeout: replicaTimeout))
    }
  }

  /// Creates one session per ticket, all started in one loop turn; answers the error kinds
  /// (nil = created) in ticket order, or nil when not all answered within `timeout`.
  func createAll(
    _ store: Unchecked<RedisSessionStore>, _ tickets: [SessionTicket], timeout: TimeInterval = 20
  ) -> [SessionError.Kind?]? {
    let sessions = tickets.map { (storedSession($0), $0.userKey) }
    let limits = SessionLimits(maxPerUser: 3, onLimit: .evictOldest)
    return batch(tickets.count, timeout: timeout) { index, done in
      store.value.create(sessions[index].0, userKey: sessions[index].1, limits: limits, now: t0) { result in
        switch result {
        case .success(.created): done(nil)
        case .success: done(.storeConflict)
        case .failure(let error): done(error.kind)
        }
      }
    }
  }

  /// Loads every ticket's session, all started in one loop turn; answers per ticket "found",
  /// "notFound", "forwarded" or the error kind.
  func loadAll(
    _ store: Unchecked<RedisSessionStore>, _ tickets: [SessionTicket], timeout: TimeInterval = 20
  ) -> [String]? {
    let keys = tickets.map(\.storeKey)
    return batch(tickets.count, timeout: timeout) { index, done in
      store.value.load(storeKey: keys[index], now: t0) { result in
        switch result {
        case .success(.found): done("found")
        case .success(.notFound): done("notFound")
        case .success(.forwarded): done("forwarded")
        case .failure(let error): done(error.kind.rawValue)
        }
      }
    }
  }

  /// Starts `count` operations on the loop in one turn and collects their answers by index.
  func batch<T>(
    _ count: Int, timeout: TimeInterval, _ start: @escaping (Int, @escaping (T) -> Void) -> Void
  ) -> [T]? {
    let answers = Unchecked<[T?]>(Array(repeating: nil, count: count))
    let remaining = Unchecked(count)
    let result = harness.await(timeout) { (done: @escaping ([T]) -> Void) in
      if count == 0 { done([]) }
      for index in 0..<count {
        start(index) { answer in
          answers.value[index] = answer
          remaining.value -= 1
          if remaining.value == 0 { done(answers.value.map { $0! }) }
        }
      }
    }
    return result
  }
}
