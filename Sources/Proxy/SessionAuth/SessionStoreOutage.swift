import Sessions

/// Whether a worker's store is in an outage, for the stale-grace rule of the session
/// authenticator (docs/redis.md §8): the instant (monotonic ns, `now`'s clock) the current
/// outage began, nil while the store is usable. Loop-thread only.
protocol SessionStoreOutage: AnyObject {
  func outageStart() -> UInt64?
  var now: () -> UInt64 { get }
}

extension BreakerSessionStore: SessionStoreOutage {}

/// The outage of a migrating worker store is that of the store the session routes depend on:
/// `from` (the authority) until `complete`, then `to`. A memory `from` has none. Loop-thread
/// only.
final class MigrationOutage: SessionStoreOutage {
  let control: MigrationControl
  let from: BreakerSessionStore?
  let to: BreakerSessionStore
  let now: () -> UInt64

  init(control: MigrationControl, from: BreakerSessionStore?, to: BreakerSessionStore) {
    self.control = control
    self.from = from
    self.to = to
    self.now = to.now
  }

  func outageStart() -> UInt64? {
    control.setting.mode == .complete ? to.outageStart() : from?.outageStart()
  }
}
