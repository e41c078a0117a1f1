import Synchronization

/// The recent samples behind `/health`'s sliding window: the sampler adds one a second; the
/// window is the newest sample minus the newest one at least `window` older (or the oldest
/// kept). Thread-safe (Mutex; touched once a second and per `/health` request).
final class HealthWindow: Sendable {
  private let samples = Mutex<[HealthSample]>([])
  private let keep: Int

  /// `keep`: samples kept (one a second: the longest window in seconds, plus one).
  init(keep: Int = 3601) { self.keep = max(keep, 2) }

  func add(_ sample: HealthSample) {
    samples.withLock { samples in
      samples.append(sample)
      if samples.count > keep { samples.removeFirst(samples.count - keep) }
    }
  }

  /// What happened in the last `window` ns up to `latest` (nil before any sample was added).
  func delta(latest: HealthSample, window: UInt64) -> HealthSample? {
    samples.withLock { samples in
      guard let oldest = samples.first else { return nil }
      let start = latest.time &- window
      let base = samples.last { $0.time <= start } ?? oldest
      return latest.since(base)
    }
  }
}
