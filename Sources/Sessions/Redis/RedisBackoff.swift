/// Reconnect delays: exponential backoff with "equal jitter" (half fixed, half random), so a
/// fleet of sidecars that lost Redis together does not reconnect in lockstep. A value type with
/// an injected random source, so tests pin the sequence. Loop-thread only (owned by a
/// `RedisConnection`).
public struct RedisBackoff {
  /// First delay (before jitter), ns.
  public let base: UInt64
  /// Largest delay (before jitter), ns.
  public let cap: UInt64
  /// Returns a value in `0..<bound`.
  private let random: (UInt64) -> UInt64
  /// Failed attempts since the last success.
  public private(set) var attempt: Int = 0

  public init(
    base: UInt64, cap: UInt64,
    random: @escaping (UInt64) -> UInt64 = { bound in UInt64.random(in: 0..<max(bound, 1)) }
  ) {
    precondition(base > 0 && cap >= base)
    self.base = base
    self.cap = cap
    self.random = random
  }

  /// The delay before the next attempt; each call doubles the next one up to `cap`.
  public mutating func nextDelay() -> UInt64 {
    let shift = UInt64(min(attempt, 40))
    let (scaled, overflow) = base.multipliedReportingOverflow(by: 1 << shift)
    let delay = overflow ? cap : min(cap, scaled)
    attempt += 1
    let half = delay / 2
    return delay - half + random(half + 1)
  }

  /// A connection succeeded: the next failure starts from `base` again.
  public mutating func reset() { attempt = 0 }
}
