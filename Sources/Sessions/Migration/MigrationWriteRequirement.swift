/// `[session.migration] require`: when a write that goes to both stores (`dual`, `split`)
/// counts as done (docs/migration.md §2).
public enum MigrationWriteRequirement: String, Sendable, Equatable {
  /// Done when the store that answers for the user (the primary) succeeded; the other store's
  /// copy is written without waiting and a failure there is only counted. When the primary
  /// fails, the other store's answer is used.
  case primary
  /// Done only when both stores succeeded (a login refused rather than missing in one store).
  case both
}
