import Synchronization

/// The generation of an issuer's current key set and the last instant it may be used
/// (`max_stale` after the last successful fetch), readable without a lock: the per-worker
/// repeated-token check asks it on every request (docs/performance.md, "Repeated bearer tokens").
///
/// A sequence lock: the writer — always under the issuer's own lock, so one at a time — makes
/// the sequence odd, writes both values, and makes it even again; a reader that sees an odd
/// sequence, or a different one after reading, answers "not current" and the caller takes the
/// locked path (`JWTIssuerState.keys`), which is the authority. Every access is sequentially
/// consistent (plain loads on x86-64; only the rare writer pays for fences). Thread-safe.
final class KeySetStamp: Sendable {
  private let sequence = Atomic<UInt64>(0)
  private let generation = Atomic<UInt64>(0)
  private let usableUntilMs = Atomic<Int64>(Int64.min)

  /// Writer (under the issuer's lock): the current set's generation (nil: none) and the last
  /// monotonic millisecond it may be used at.
  func publish(generation: UInt64?, usableUntilMs: Int64) {
    let before = sequence.load(ordering: .sequentiallyConsistent)
    sequence.store(before &+ 1, ordering: .sequentiallyConsistent)
    self.generation.store(generation ?? 0, ordering: .sequentiallyConsistent)
    self.usableUntilMs.store(generation == nil ? Int64.min : usableUntilMs, ordering: .sequentiallyConsistent)
    sequence.store(before &+ 2, ordering: .sequentiallyConsistent)
  }

  /// True only when the current set has `generation` and may be used at `nowMs`. False also
  /// while a change is being published: the caller then asks under the lock.
  func isCurrent(_ generation: UInt64, nowMs: Int64) -> Bool {
    let before = sequence.load(ordering: .sequentiallyConsistent)
    let current = self.generation.load(ordering: .sequentiallyConsistent)
    let until = usableUntilMs.load(ordering: .sequentiallyConsistent)
    let after = sequence.load(ordering: .sequentiallyConsistent)
    return before & 1 == 0 && before == after && current != 0 && current == generation && nowMs <= until
  }
}
