/// Spaces requests at least 1/rate apart, so an audit never floods a deployment (and the timing
/// probe's samples are not bunched). Pure state over the caller's clock.
struct RateLimiter {
  private let interval: UInt64
  private var next: UInt64 = 0

  /// `perSecond` ≤ 0 means no limit.
  init(perSecond: Double) {
    interval = perSecond > 0 ? UInt64(1e9 / perSecond) : 0
  }

  /// When the next request may go, given `now`; reserves that slot.
  mutating func reserve(now: UInt64) -> UInt64 {
    let slot = max(now, next)
    next = slot + interval
    return slot
  }
}
