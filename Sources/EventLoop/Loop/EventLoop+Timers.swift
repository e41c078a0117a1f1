/// Timers: a min-heap (`TimerQueue`) and one timerfd armed to the earliest deadline, re-armed
/// only when an earlier deadline arrives or the armed one has passed. Deadlines are on the
/// loop's clock; a timer fires in the first iteration whose `now` has reached it. Loop-thread
/// only.
extension EventLoop {
  /// Calls `callback` on the loop thread once `now` >= `deadline` (monotonic ns, e.g.
  /// `loop.now + 5_000_000_000`). Timers with equal deadlines fire in scheduling order; a timer
  /// may schedule and cancel others.
  @discardableResult
  public func schedule(at deadline: UInt64, _ callback: @escaping () -> Void) -> TimerID {
    let id = loopState.pointee.timers.insert(deadline: deadline, callback)
    if deadline < loopState.pointee.armedDeadline {
      arm(deadline)
    }
    return id
  }

  /// Cancels a pending timer; a no-op for one that fired or was cancelled. O(log n). The
  /// timerfd is left armed: waking once for nothing is cheaper than re-arming on every cancel.
  public func cancel(_ timer: TimerID) {
    loopState.pointee.timers.cancel(timer)
  }

  /// The number of pending timers.
  public var pendingTimers: Int { loopState.pointee.timers.count }

  func fireTimers() {
    let state = loopState
    if state.pointee.timerFired {
      state.pointee.timerFired = false
      TimerFd.drain(timerFileDescriptor)
      state.pointee.armedDeadline = .max
    }
    let now = state.pointee.now
    let limit = state.pointee.timers.nextSequence
    while let callback = state.pointee.timers.popDue(now: now, sequenceLimit: limit) {
      callback()
    }
    if state.pointee.armedDeadline <= now {
      // Expired (or expiring): it guards nothing any more. Draining now saves a wake-up.
      TimerFd.drain(timerFileDescriptor)
      state.pointee.armedDeadline = .max
    }
    if let earliest = state.pointee.timers.earliestDeadline, earliest < state.pointee.armedDeadline {
      arm(earliest)
    }
  }

  private func arm(_ deadline: UInt64) {
    // For the time left on the loop's clock (read now, not the batch's cached `now`, so the
    // timer is not late by the time the batch has taken so far).
    let now = clock.monotonicNanos()
    TimerFd.arm(timerFileDescriptor, after: deadline > now ? deadline - now : 0)
    loopState.pointee.armedDeadline = deadline
  }
}
