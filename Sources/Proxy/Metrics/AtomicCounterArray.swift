import Synchronization

/// A fixed number of `UInt64` counters, each an `Atomic`, in one allocation that never moves.
/// Thread-safe (atomics): one writer thread (a worker's loop) adds with a relaxed load and store
/// — no read-modify-write instruction, so an increment costs two plain moves on x86-64 — and
/// any thread reads with relaxed loads. Two writers on one array would lose increments; every
/// array has exactly one owner loop.
final class AtomicCounterArray: @unchecked Sendable {
  let count: Int
  private let storage: UnsafeMutablePointer<Atomic<UInt64>>

  init(count: Int) {
    precondition(count > 0)
    self.count = count
    storage = .allocate(capacity: count)
    for index in 0..<count { (storage + index).initialize(to: Atomic<UInt64>(0)) }
  }

  deinit {
    storage.deinitialize(count: count)
    storage.deallocate()
  }

  /// Adds `amount` to counter `index`. Single-writer only (see the type's comment).
  @inline(__always)
  func add(_ index: Int, _ amount: UInt64 = 1) {
    precondition(index >= 0 && index < count)
    let slot = storage + index
    slot.pointee.store(slot.pointee.load(ordering: .relaxed) &+ amount, ordering: .relaxed)
  }

  /// Overwrites counter `index` (gauges published by the owner loop).
  @inline(__always)
  func set(_ index: Int, _ value: UInt64) {
    precondition(index >= 0 && index < count)
    (storage + index).pointee.store(value, ordering: .relaxed)
  }

  /// Any thread.
  @inline(__always)
  func load(_ index: Int) -> UInt64 {
    precondition(index >= 0 && index < count)
    return (storage + index).pointee.load(ordering: .relaxed)
  }
}
