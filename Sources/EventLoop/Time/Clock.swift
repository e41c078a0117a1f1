/// Where every component of Gatehouse reads the time. One instance is made at start
/// (`SystemClock`) and handed down — to each `EventLoop` (its cached `now`), the log sink, the
/// session service, the JWKS fetcher — so a test can hand a `ManualClock` instead and drive time
/// without sleeping. Implementations are thread-safe.
///
/// Two time lines, never mixed:
/// - `monotonicNanos`: deadlines, timers, durations, cache schedules. Never jumps; its origin is
///   arbitrary (for `SystemClock`, `CLOCK_MONOTONIC`: the boot).
/// - `wallNanos`: nanoseconds since the Unix epoch, for what is compared with other machines —
///   log times, JWT `exp`/`nbf`/`iat`, session records shared through Redis. It may jump.
public protocol Clock: Sendable {
  func monotonicNanos() -> UInt64
  func wallNanos() -> Int64
}
