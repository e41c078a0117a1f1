/// Paces the backfill to `perSecond` sessions (0: no limit): after each batch it answers how
/// long to wait before the next, so the average rate never exceeds the limit and a batch is the
/// only burst. The wait comes before the next export, never between an export and its import
/// (that gap is when a session can change under the copy). Pure: monotonic ns passed in.
/// Value type.
public struct BackfillRateLimiter: Sendable, Equatable {
  public let perSecond: Int
  /// Monotonic ns before which the next batch must not start.
  private var nextStart: UInt64?

  public init(perSecond: Int) { self.perSecond = max(perSecond, 0) }

  /// Accounts for `count` sessions sent at `now`; answers how long (ns) to wait before more.
  public mutating func reserve(_ count: Int, now: UInt64) -> UInt64 {
    guard perSecond > 0, count > 0 else { return nextStart.map { $0 > now ? $0 - now : 0 } ?? 0 }
    let start = max(nextStart ?? now, now)
    let next = start &+ UInt64(count) &* 1_000_000_000 / UInt64(perSecond)
    nextStart = next
    return next - now
  }
}
