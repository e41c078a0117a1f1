/// What a `MigratingSessionStore` reports, so the proxy can count and log it (Prometheus and the
/// log live in Proxy). Called on the store's loop thread; one instance serves every worker, so
/// implementations are thread-safe and never block.
public protocol MigrationMetrics: Sendable {
  /// One call to one of the two stores finished. `succeeded` is false only for
  /// `.storeUnavailable` (not found and conflicts are answers).
  func operation(
    _ operation: MigrationOperation, on store: MigrationStoreRole, succeeded: Bool, nanoseconds: UInt64)
  /// A compared read whose answers differed.
  func mismatched(_ mismatch: MigrationMismatch)
  /// A call answered by the store that is not the user's primary.
  func fellBack(_ reason: MigrationFallbackReason)
  /// How many deletions the stores are owed now (`MigrationOwedDeletions`), after it changed.
  func owedDeletions(_ count: Int)
}

extension MigrationMetrics {
  public func owedDeletions(_ count: Int) {}
}
