/// `[session.migration] mode`: the phases of moving sessions from one store (`from`) to another
/// (`to`) without logging anyone out, in the order an operator walks them (docs/migration.md §1).
public enum MigrationMode: String, Sendable, Equatable, CaseIterable {
  /// `from` only: no migration.
  case off
  /// `from` answers; every write is mirrored to `to` in the background, and a read that `to`
  /// lacks is copied there.
  case shadow
  /// Writes go to both; reads go to both, `from`'s answer is used and the two are compared.
  case dual
  /// Like `dual`, but `to` answers the reads of a deterministic share of users (`percentage`).
  case split
  /// `to` only; `from` is read as a fallback (and sent deletions) for the drain window.
  case complete
}
