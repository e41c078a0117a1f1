/// A store operation as the migration counts it (metric label `op`); `copy` is a session
/// copied into `to` because a read found it only in `from`.
public enum MigrationOperation: String, Sendable, Equatable, CaseIterable {
  case create, load, touch, rotate, destroy
  case revokeAll = "revoke_all"
  case list, copy
}
