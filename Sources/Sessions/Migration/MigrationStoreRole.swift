/// Which of the two stores of a migration: `from` (the store in use before) or `to` (the new
/// one). Metric label `store`.
public enum MigrationStoreRole: String, Sendable, Equatable, CaseIterable {
  case from
  case to
}
