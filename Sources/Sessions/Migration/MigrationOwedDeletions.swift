import Synchronization

/// Deletions that one store of a migration missed while the other took them (docs/migration.md
/// §2, "Owed deletions"): a logout, a revocation, an eviction by the cap or the old id of a
/// rotation that a store could not take because it was unavailable (a paused or slow `to`).
/// Left alone, that store would keep the session alive: for the users it answers, a logged-out
/// session would still work and a stale one would count against their cap. Each owed deletion is
/// delivered before the next write for its user, and on the next call that store answers.
///
/// Deleting a session key late is always right: ids are never reused and a copy is checked
/// against `from` before it stays. At most `limit` are kept (a longer outage drops the newest;
/// those sessions still expire in the store by their own deadlines).
///
/// Shared by every worker's `MigratingSessionStore` (through `MigrationControl`): a deletion
/// noted on one worker is delivered by whichever worker calls that store next. Thread-safe: a
/// mutex, and an atomic count so the common case (nothing owed) costs one relaxed load.
public final class MigrationOwedDeletions: Sendable {
  public struct Deletion: Sendable, Hashable {
    public let store: MigrationStoreRole
    public let storeKey: String
    public let userKey: String
  }

  public static let limit = 100_000
  private let owed = Mutex<Set<Deletion>>([])
  private let count = Atomic<Int>(0)

  public init() {}

  /// Whether nothing is owed (one relaxed atomic load).
  @inline(__always)
  public var isEmpty: Bool { count.load(ordering: .relaxed) == 0 }

  /// How many deletions are owed now.
  public var pending: Int { count.load(ordering: .relaxed) }

  /// Notes that `store` still holds `storeKey`, which the other store deleted. False when the
  /// limit is reached (not noted).
  @discardableResult
  public func note(_ store: MigrationStoreRole, storeKey: String, userKey: String) -> Bool {
    owed.withLock { owed in
      guard owed.count < Self.limit else { return false }
      owed.insert(Deletion(store: store, storeKey: storeKey, userKey: userKey))
      count.store(owed.count, ordering: .relaxed)
      return true
    }
  }

  /// Removes and answers what `store` owes.
  public func take(_ store: MigrationStoreRole) -> [Deletion] {
    take { $0.store == store }
  }

  /// Removes and answers what either store owes for `userKey`.
  public func take(userKey: String) -> [Deletion] {
    take { $0.userKey == userKey }
  }

  private func take(where matches: (Deletion) -> Bool) -> [Deletion] {
    guard !isEmpty else { return [] }
    return owed.withLock { owed in
      let taken = owed.filter(matches)
      guard !taken.isEmpty else { return [] }
      owed.subtract(taken)
      count.store(owed.count, ordering: .relaxed)
      return Array(taken)
    }
  }
}
