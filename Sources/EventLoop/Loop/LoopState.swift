/// The mutable state of one `EventLoop`, kept behind a `let` pointer so the hot path pays no
/// exclusivity check (a stored `var` of a class would). Loop-thread only.
@usableFromInline
struct LoopState {
  /// CLOCK_MONOTONIC ns, refreshed after each `epoll_wait`. Read inline by `EventLoop.now`.
  @usableFromInline var now: UInt64
  /// Head of the free list of registration slots, -1 if empty.
  var freeSlot: Int32 = -1
  /// Slots `0..<initializedSlots` have been initialised.
  var initializedSlots: Int = 0
  /// Slots unregistered during this iteration; freed after it.
  var pendingRelease: [Int32] = []
  var afterBatch: [() -> Void] = []
  var timers = TimerQueue()
  /// When the timerfd will fire, `.max` when it is known not to be armed.
  var armedDeadline: UInt64 = .max
  /// The spare queue swapped with the locked one, so draining tasks allocates nothing.
  var runningTasks: [@Sendable () -> Void] = []
  var wokenUp = false
  var timerFired = false

  init(now: UInt64) {
    self.now = now
    pendingRelease.reserveCapacity(256)
    afterBatch.reserveCapacity(64)
    runningTasks.reserveCapacity(64)
  }
}
