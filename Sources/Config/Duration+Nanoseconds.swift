extension Duration {
  /// Whole nanoseconds, for timers that count `UInt64` nanoseconds (the event loop's clock).
  /// Negative durations give 0; durations beyond `UInt64.max` ns saturate.
  public var nanoseconds: UInt64 {
    let (seconds, attoseconds) = components
    if seconds < 0 || (seconds == 0 && attoseconds <= 0) { return 0 }
    let (whole, overflow) = UInt64(seconds).multipliedReportingOverflow(by: 1_000_000_000)
    if overflow { return .max }
    let (total, overflow2) = whole.addingReportingOverflow(UInt64(attoseconds / 1_000_000_000))
    return overflow2 ? .max : total
  }
}
