/// Why a read or write was answered by the store that is not the user's primary (metric label
/// `reason` of `gatehouse_migration_fallbacks_total`).
public enum MigrationFallbackReason: String, Sendable, Equatable, CaseIterable {
  /// The primary failed (unavailable, timeout) and the other store answered.
  case error
  /// `to` did not have the session and `from` did (split for `to`'s users, complete while
  /// draining): the session was copied to `to`.
  case notFound = "not_found"
}
