/// The per-user cap passed to `SessionStore.create`. `maxPerUser <= 0` means unlimited. Immutable.
public struct SessionLimits: Sendable, Equatable {
  public var maxPerUser: Int
  public var onLimit: SessionPolicy.LimitAction

  public init(maxPerUser: Int, onLimit: SessionPolicy.LimitAction) {
    self.maxPerUser = maxPerUser
    self.onLimit = onLimit
  }
}
