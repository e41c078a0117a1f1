/// The deadline of a request body (`[limits] body_timeout`, `body_min_rate`; docs/security.md,
/// "Bodies"): Apache mod_reqtimeout's model. The body has `timeout` from its start, extended by
/// one second for every `minRate` bytes received, so a trickle ends (one byte per 1.5 s used to
/// re-arm the silence timer forever) while an upload at any usable speed never meets it. With
/// `minRate == 0` the deadline is fixed. Pure value; times are loop nanoseconds.
struct BodyDeadline: Equatable {
  let start: UInt64
  let timeout: UInt64
  let minRate: UInt64

  init(start: UInt64, timeout: UInt64, minRate: Int) {
    self.start = start
    self.timeout = timeout
    self.minRate = UInt64(max(minRate, 0))
  }

  /// When the body must be complete, given the `received` data bytes (saturating: never wraps).
  func deadline(received: Int64) -> UInt64 {
    var earned: UInt64 = 0
    if minRate > 0 {
      let (product, overflow) = (UInt64(max(received, 0)) / minRate).multipliedReportingOverflow(
        by: 1_000_000_000)
      earned = overflow ? UInt64.max : product
    }
    let (base, o1) = start.addingReportingOverflow(timeout)
    let (total, o2) = base.addingReportingOverflow(earned)
    return o1 || o2 ? UInt64.max : total
  }
}
