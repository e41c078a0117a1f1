public import Net

/// Rate limit for security log lines caused by a client (forged cookies, bad tokens, refused
/// requests): without one, an attacker decides how much is written to disk. Each source (client
/// IP) has a token bucket of `burst` lines refilled at `perSecond`; all sources together share a
/// bucket ten times as large, so a flood from many addresses (IPv6 makes them cheap) is bounded
/// too. A line over the limit is dropped and counted (`dropped`, exported as
/// `gatehouse_security_log_lines_dropped_total`); the next line that source may write carries the
/// number dropped for it since (`suppressed`), so the log still says what happened.
///
/// Bounded memory: at most `maxSources` buckets; when full, idle buckets (full again) go first,
/// else the whole table is cleared (the global bucket still holds). Time is the loop's monotonic
/// clock in nanoseconds, injected. `perSecond == 0` turns the limit off. Loop-thread only (one per
/// worker: a source spread over workers gets at most one budget per worker).
final class SecurityEventLimiter {
  enum Verdict: Equatable {
    /// Write the line; `suppressed` lines of this source were dropped before it.
    case write(suppressed: UInt64)
    case drop
  }

  private struct Bucket {
    var tokens: Double
    var updated: UInt64
    var suppressed: UInt64
  }

  let perSecond: Double
  let burst: Double
  let maxSources: Int
  private var buckets: [IPAddress: Bucket] = [:]
  private var global: Bucket
  private(set) var dropped: UInt64 = 0
  /// Sources with a bucket now (at most `maxSources`).
  var sourceCount: Int { buckets.count }

  init(perSecond: Int, burst: Int, maxSources: Int = 4096) {
    self.perSecond = Double(perSecond)
    self.burst = Double(max(burst, 1))
    self.maxSources = maxSources
    global = Bucket(tokens: Double(max(burst, 1)) * 10, updated: 0, suppressed: 0)
  }

  func admit(source: IPAddress, now: UInt64) -> Verdict {
    guard perSecond > 0 else { return .write(suppressed: 0) }
    refill(&global, capacity: burst * 10, rate: perSecond * 10, now: now)
    var bucket = buckets[source] ?? makeRoom(now: now)
    refill(&bucket, capacity: burst, rate: perSecond, now: now)
    guard bucket.tokens >= 1, global.tokens >= 1 else {
      bucket.suppressed &+= 1
      buckets[source] = bucket
      dropped &+= 1
      return .drop
    }
    bucket.tokens -= 1
    global.tokens -= 1
    let suppressed = bucket.suppressed
    bucket.suppressed = 0
    buckets[source] = bucket
    return .write(suppressed: suppressed)
  }

  private func refill(_ bucket: inout Bucket, capacity: Double, rate: Double, now: UInt64) {
    let elapsed = now > bucket.updated ? Double(now &- bucket.updated) / 1e9 : 0
    bucket.tokens = min(capacity, bucket.tokens + elapsed * rate)
    bucket.updated = now
  }

  /// A fresh full bucket for a new source, after making room for it if the table is full.
  private func makeRoom(now: UInt64) -> Bucket {
    if buckets.count >= maxSources {
      let refillTime = UInt64(burst / perSecond * 1e9)
      buckets = buckets.filter { $0.value.suppressed > 0 || now &- $0.value.updated < refillTime }
      if buckets.count >= maxSources { buckets.removeAll(keepingCapacity: true) }
    }
    return Bucket(tokens: burst, updated: now, suppressed: 0)
  }
}
