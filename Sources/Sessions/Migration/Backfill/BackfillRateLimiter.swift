/// Paces the backfill to `perSecond` sessions (0: no limit): each batch may start once the
/// previous batches' share of time has passed, so the average rate never exceeds the limit and
/// a batch is the only burst. Pure: monotonic ns passed in. Value type.
public struct BackfillRateLimiter: Sendable, Equatable {
  public let perSecond: Int
  /// Monotonic ns before which the next batch must not start.
  private var nextStart: UInt64?

  public init(perSecond: Int) { self.perSecond = max(perSecond, 0) }

  /// How long to wait (ns) before sending `count` sessions at `now`; reserves their time.
  public mutating func delay(for count: Int, now: UInt64) -> UInt64 {
    guard perSecond > 0, count > 0 else { return 0 }
    let start = max(nextStart ?? now, now)
    nextStart = start &+ UInt64(count) &* 1_000_000_000 / UInt64(perSecond)
    return start - now
  }
}
