import Synchronization

/// Sessions this process ended but could not delete from the store: a logout, an admin revocation
/// or a login's fixation clean-up whose write failed (a read-only Redis replica, `min-replicas-to-
/// write` unmet, an outage). The record lives on in the store, so without this memory the old
/// cookie would work again as soon as the L1 entry is refilled. The session path asks `check`
/// before the L1 cache and the store; a revoked ticket is refused there (docs/security.md,
/// "Revocation that could not be written").
///
/// An entry lasts until the session's own absolute deadline (after that the store drops the
/// record anyway) or until the deletion is confirmed: `check` hands out the store keys at most
/// once per `retryInterval` so the caller can try the deletion again and `forget` the entry when
/// it succeeds. Memory is per process: another replica learns of the revocation only from the
/// store, which is why the failure is also reported (503, security event, metric).
///
/// Bounded by `capacity`: when full, expired entries go first, then the one that expires soonest.
/// Keys are the session-id hash, never the id. Time is wall-clock nanoseconds, injected.
/// Thread-safe: one `Mutex` around the table; an atomic count lets `check` skip the lock while the
/// table is empty (every request of a healthy process).
public final class RevokedTickets: Sendable {
  public struct Keys: Sendable, Equatable {
    public let storeKey: String
    public let userKey: String

    public init(storeKey: String, userKey: String) {
      self.storeKey = storeKey
      self.userKey = userKey
    }
  }

  public enum Verdict: Sendable, Equatable {
    case clear
    case revoked
    /// Revoked, and the deletion is due to be tried again with these keys.
    case revokedRetryDeletion(Keys)
  }

  private struct Entry {
    var keys: Keys
    var expiresAt: Int64
    var nextRetry: Int64
  }

  public let capacity: Int
  public let retryInterval: Int64
  private let table = Mutex<[SessionIDHash: Entry]>([:])
  private let entries = Atomic<Int>(0)

  public init(capacity: Int = 10_000, retryInterval: Int64 = 5 * SessionPolicy.nanosPerSecond) {
    precondition(capacity > 0 && retryInterval > 0)
    self.capacity = capacity
    self.retryInterval = retryInterval
  }

  /// Remembers `hash` as revoked until `expiresAt` (the session's absolute deadline).
  public func revoke(_ hash: SessionIDHash, keys: Keys, until expiresAt: Int64, now: Int64) {
    guard expiresAt > now else { return }
    table.withLock { table in
      if table[hash] == nil && table.count >= capacity {
        for (key, entry) in table where entry.expiresAt <= now { table[key] = nil }
        if table.count >= capacity, let soonest = table.min(by: { $0.value.expiresAt < $1.value.expiresAt }) {
          table[soonest.key] = nil
        }
      }
      table[hash] = Entry(keys: keys, expiresAt: expiresAt, nextRetry: now &+ retryInterval)
      entries.store(table.count, ordering: .relaxed)
    }
  }

  /// Whether `hash` was revoked here; `.revokedRetryDeletion` at most once per `retryInterval`.
  public func check(_ hash: SessionIDHash, now: Int64) -> Verdict {
    if entries.load(ordering: .relaxed) == 0 { return .clear }
    return table.withLock { table in
      guard var entry = table[hash] else { return .clear }
      if entry.expiresAt <= now {
        table[hash] = nil
        entries.store(table.count, ordering: .relaxed)
        return .clear
      }
      guard entry.nextRetry <= now else { return .revoked }
      entry.nextRetry = now &+ retryInterval
      table[hash] = entry
      return .revokedRetryDeletion(entry.keys)
    }
  }

  /// The deletion went through (or the record is known to be gone): forget the entry.
  public func forget(_ hash: SessionIDHash) {
    table.withLock { table in
      table[hash] = nil
      entries.store(table.count, ordering: .relaxed)
    }
  }

  public var count: Int { entries.load(ordering: .relaxed) }
}
