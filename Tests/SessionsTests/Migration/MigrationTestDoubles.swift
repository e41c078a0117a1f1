import Sessions
import Synchronization
import XCTest

/// A memory store that can be made to fail, records what it was asked, and (with a fake clock)
/// takes `latency` per call. Synchronous, like the memory store. Test-thread only.
final class ControlledStore: SessionStore, @unchecked Sendable {
  let inner = MemorySessionStore()
  var failing = false
  var latency: UInt64 = 0
  var clock: FakeClock?
  var failImportOnCall = 0
  var imports = 0
  var afterExport: (() -> Void)?
  /// Runs after each load was answered (a change landing right after a read).
  var afterLoad: (() -> Void)?
  /// Runs with the key when a load has its answer, before the caller hears it (a change landing
  /// between this read and the caller's next one).
  var beforeLoadAnswer: ((String) -> Void)?
  private(set) var calls: [String] = []

  func reset() { calls = [] }

  private func gate<T>(
    _ name: String, _ completion: @escaping (Result<T, SessionError>) -> Void, _ body: () -> Void
  ) {
    calls.append(name)
    clock?.advance(by: latency)
    if failing { return completion(.failure(SessionError(.storeUnavailable, "injected"))) }
    body()
  }

  func create(
    _ session: StoredSession, userKey: String, limits: SessionLimits, now: Int64,
    completion: @escaping (Result<CreateOutcome, SessionError>) -> Void
  ) {
    gate("create", completion) {
      inner.create(session, userKey: userKey, limits: limits, now: now, completion: completion)
    }
  }

  func load(storeKey: String, now: Int64, completion: @escaping (Result<LoadOutcome, SessionError>) -> Void) {
    gate("load", completion) {
      inner.load(storeKey: storeKey, now: now) { [self] result in
        beforeLoadAnswer?(storeKey)
        completion(result)
        afterLoad?()
      }
    }
  }

  func touch(
    storeKey: String, userKey: String, lastAccess: Int64, expiresAt: Int64, now: Int64,
    completion: @escaping (Result<TouchOutcome, SessionError>) -> Void
  ) {
    gate("touch", completion) {
      inner.touch(
        storeKey: storeKey, userKey: userKey, lastAccess: lastAccess, expiresAt: expiresAt, now: now,
        completion: completion)
    }
  }

  func rotate(
    userKey: String, oldKey: String, newSession: StoredSession, forward: SealedRecord, grace: Int64,
    now: Int64,
    completion: @escaping (Result<RotateOutcome, SessionError>) -> Void
  ) {
    gate("rotate", completion) {
      inner.rotate(
        userKey: userKey, oldKey: oldKey, newSession: newSession, forward: forward, grace: grace, now: now,
        completion: completion)
    }
  }

  func destroy(storeKey: String, userKey: String, completion: @escaping (Result<Bool, SessionError>) -> Void)
  {
    gate("destroy", completion) {
      inner.destroy(storeKey: storeKey, userKey: userKey, completion: completion)
    }
  }

  func revokeAll(userKey: String, completion: @escaping (Result<[String], SessionError>) -> Void) {
    gate("revokeAll", completion) { inner.revokeAll(userKey: userKey, completion: completion) }
  }

  func list(
    userKey: String, now: Int64, completion: @escaping (Result<[SessionSummary], SessionError>) -> Void
  ) {
    gate("list", completion) { inner.list(userKey: userKey, now: now, completion: completion) }
  }

  /// What the inner store holds at `key` (no call recorded).
  func peek(_ key: String, now: Int64 = t0) -> LoadOutcome? {
    var outcome: LoadOutcome?
    inner.load(storeKey: key, now: now) { outcome = try? $0.get() }
    return outcome
  }
}

/// The controlled store as a backfill source and target: the `failImportOnCall`-th import fails
/// (store unavailable), and `afterExport` runs after each export (a change landing between an
/// export and its import).
extension ControlledStore: SessionExporting, SessionImporting {
  func exportSessions(
    from cursor: String, count: Int, now: Int64,
    completion: @escaping (Result<SessionExportPage, SessionError>) -> Void
  ) {
    inner.exportSessions(from: cursor, count: count, now: now) { [self] result in
      afterExport?()
      completion(result)
    }
  }

  func importSessions(
    _ user: UserSessions, now: Int64, completion: @escaping (Result<[String], SessionError>) -> Void
  ) {
    imports += 1
    if imports == failImportOnCall {
      return completion(.failure(SessionError(.storeUnavailable, "injected")))
    }
    inner.importSessions(user, now: now, completion: completion)
  }
}

/// Counts what a `MigratingSessionStore` reports. Thread-safe (Mutex).
final class RecordingMigrationMetrics: MigrationMetrics {
  struct State {
    var operations: [String: Int] = [:]
    var mismatches: [[MigrationMismatchField]] = []
    var fallbacks: [MigrationFallbackReason] = []
    var owedDeletions: Int?
  }
  let state = Mutex(State())

  func operation(
    _ operation: MigrationOperation, on store: MigrationStoreRole, succeeded: Bool, nanoseconds: UInt64
  ) {
    state.withLock {
      $0.operations["\(store).\(operation.rawValue).\(succeeded ? "ok" : "error")", default: 0] += 1
    }
  }

  func mismatched(_ mismatch: MigrationMismatch) {
    state.withLock { $0.mismatches.append(mismatch.fields) }
  }

  func fellBack(_ reason: MigrationFallbackReason) { state.withLock { $0.fallbacks.append(reason) } }

  func owedDeletions(_ count: Int) { state.withLock { $0.owedDeletions = count } }

  func count(_ key: String) -> Int { state.withLock { $0.operations[key] ?? 0 } }
  var mismatches: [[MigrationMismatchField]] { state.withLock { $0.mismatches } }
  var fallbacks: [MigrationFallbackReason] { state.withLock { $0.fallbacks } }
  /// The last count of owed deletions reported.
  var owedDeletions: Int? { state.withLock { $0.owedDeletions } }
}
