/// One compared read whose answers differed, as reported to `MigrationMetrics`: what differed,
/// which store answered for the user, and what kind of answer each store gave (for the sampled
/// log: which store lacks a session tells an operator more than "presence"). `storeKey` is a hash
/// of the session id (`s:{tag}:<sha256>`): log at most a prefix of it. Immutable value.
public struct MigrationMismatch: Sendable, Equatable {
  public var fields: [MigrationMismatchField]
  public var storeKey: String
  public var primary: MigrationStoreRole
  /// "found", "forwarded" or "missing", for the primary and the other store.
  public var primaryAnswer: String
  public var otherAnswer: String

  public init(
    fields: [MigrationMismatchField], storeKey: String, primary: MigrationStoreRole,
    primaryAnswer: LoadOutcome,
    otherAnswer: LoadOutcome
  ) {
    self.fields = fields
    self.storeKey = storeKey
    self.primary = primary
    self.primaryAnswer = Self.kind(primaryAnswer)
    self.otherAnswer = Self.kind(otherAnswer)
  }

  static func kind(_ outcome: LoadOutcome) -> String {
    switch outcome {
    case .found: "found"
    case .forwarded: "forwarded"
    case .notFound: "missing"
    }
  }
}
