/// Counts invalid session tickets per client prefix in one-minute windows and says when a
/// prefix reaches `threshold` (once per window). Bounded: forgets everything past `capacity`
/// prefixes. Pure (time passed in); one per worker, loop-thread only.
struct InvalidTicketBurst {
  static let window: UInt64 = 60_000_000_000
  let threshold: Int
  let capacity: Int
  private var counts: [String: (count: Int, since: UInt64)] = [:]

  init(threshold: Int = 20, capacity: Int = 4096) {
    self.threshold = threshold
    self.capacity = capacity
  }

  /// Counts one for `prefix` at `now` (monotonic ns); the count when it just reached the threshold.
  mutating func record(_ prefix: String, now: UInt64) -> Int? {
    if counts.count >= capacity { counts.removeAll(keepingCapacity: true) }
    var entry = counts[prefix] ?? (0, now)
    if now &- entry.since > Self.window { entry = (0, now) }
    entry.count += 1
    counts[prefix] = entry
    return entry.count == threshold ? entry.count : nil
  }
}
