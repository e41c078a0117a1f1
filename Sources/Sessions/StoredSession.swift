/// One session as it crosses the store boundary: the sealed record and its unsealed summary.
/// Immutable value.
public struct StoredSession: Sendable, Equatable {
  public var sealed: SealedRecord
  public var summary: SessionSummary

  public init(sealed: SealedRecord, summary: SessionSummary) {
    self.sealed = sealed
    self.summary = summary
  }
}
