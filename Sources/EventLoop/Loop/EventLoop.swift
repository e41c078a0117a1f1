import CLinux
import Glibc
import Synchronization

/// Gatehouse's epoll event loop: one per worker thread. Loop-thread only, except `execute`,
/// `stop` and `wakeUp`, which are thread-safe (a `Mutex`-guarded queue, an atomic flag and an
/// eventfd).
///
/// Level-triggered epoll; handlers are found by indexing a slot table with the slot packed in
/// `epoll_event.data.u64`, never by hashing. Each iteration: `epoll_wait` (up to 256 events),
/// refresh `now`, call handlers, run tasks from other threads, fire due timers, run `afterBatch`
/// tasks, then free the slots unregistered during the iteration. Freeing only then means a
/// handler is never destroyed while an event for it is still queued in the batch.
///
/// The table's memory is reserved once with `mmap(MAP_NORESERVE)` for `maxRegistrations`
/// slots; only touched pages cost RSS, and the table's address never changes.
///
/// The loop holds its handlers strongly until they are unregistered: a handler that also holds
/// the loop makes a cycle that unregistering breaks.
///
/// Time comes from the injected `clock` (read once per iteration into `now`); the timerfd is
/// armed for the time left on that clock, so a `ManualClock` drives timers in tests.
public final class EventLoop: @unchecked Sendable {
  /// Events taken per `epoll_wait`.
  public static let batchSize: Int32 = 256

  private static let wakeData = UInt64.max
  private static let timerData = UInt64.max - 1

  /// The clock every handler of this loop reads (`now` caches its monotonic time).
  public let clock: any Clock
  // The epoll and timer descriptors are raw for the per-iteration calls; `deinit` is their one
  // close. The wake-up eventfd is owned by `wakeup`.
  private let epollFd: Int32
  private let wakeup: Notifier
  private let timerFd: Int32
  var timerFileDescriptor: Int32 { timerFd }
  var loopState: UnsafeMutablePointer<LoopState> { state }
  private let slots: UnsafeMutablePointer<HandlerSlot>
  private let slotCapacity: Int
  private let slotMappingSize: Int
  private let events: UnsafeMutablePointer<epoll_event>
  @usableFromInline let state: UnsafeMutablePointer<LoopState>
  private let tasks = Mutex<[@Sendable () -> Void]>([])
  private let stopRequested = Atomic<Bool>(false)
  /// `pthread_self()` of the thread inside `run()`, 0 when none.
  private let loopThread = Atomic<UInt>(0)

  /// Creates the epoll instance, the wake-up eventfd and the timerfd, all close-on-exec.
  /// `maxRegistrations` bounds the descriptors registered at once (address space is reserved
  /// for it, memory is not).
  public init(maxRegistrations: Int = 1 << 20, clock: any Clock = SystemClock()) throws(SystemError) {
    precondition(maxRegistrations > 0 && maxRegistrations < Int(UInt32.max - 2))
    let epollFd = try Epoll.create()
    let wakeup: Notifier
    let timerFd: Int32
    do throws(SystemError) {
      wakeup = try Notifier()
      timerFd = try TimerFd.create()
      do throws(SystemError) {
        try Epoll.ctl(epollFd, Epoll.add, wakeup.descriptor, Epoll.input, EventLoop.wakeData)
        try Epoll.ctl(epollFd, Epoll.add, timerFd, Epoll.input, EventLoop.timerData)
      } catch {
        Posix.close(timerFd)
        throw error
      }
    } catch {
      Posix.close(epollFd)
      throw error
    }
    let size = maxRegistrations * MemoryLayout<HandlerSlot>.stride
    let memory = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0)
    guard let memory, memory != MAP_FAILED else {
      let code = errno
      Posix.close(epollFd)
      Posix.close(timerFd)
      throw SystemError(call: "mmap", code: code)
    }
    self.clock = clock
    self.epollFd = epollFd
    self.wakeup = wakeup
    self.timerFd = timerFd
    self.slots = memory.bindMemory(to: HandlerSlot.self, capacity: maxRegistrations)
    self.slotCapacity = maxRegistrations
    self.slotMappingSize = size
    self.events = .allocate(capacity: Int(EventLoop.batchSize))
    self.events.initialize(repeating: epoll_event(), count: Int(EventLoop.batchSize))
    self.state = .allocate(capacity: 1)
    self.state.initialize(to: LoopState(now: clock.monotonicNanos()))
  }

  deinit {
    precondition(loopThread.load(ordering: .relaxed) == 0, "EventLoop destroyed while running")
    slots.deinitialize(count: state.pointee.initializedSlots)
    munmap(UnsafeMutableRawPointer(slots), slotMappingSize)
    events.deallocate()
    state.deinitialize(count: 1)
    state.deallocate()
    Posix.close(timerFd)
    Posix.close(epollFd)
  }

  /// `clock`'s monotonic ns, refreshed after each `epoll_wait` (so all handlers of a batch see
  /// one time). Inlinable: a call would make the caller retain the loop around it
  /// (docs/performance.md, "Session L1 hit, round 6").
  @inlinable public var now: UInt64 { state.pointee.now }

  /// True on the thread currently inside `run()`. Thread-safe.
  public var isInLoopThread: Bool {
    let thread = loopThread.load(ordering: .relaxed)
    return thread != 0 && pthread_equal(pthread_self(), pthread_t(thread)) != 0
  }

  // MARK: Registrations

  /// Adds `fd` to the epoll set. Stops the program if the kernel refuses (`ENOMEM`, `ENOSPC`
  /// for `max_user_watches`) or the table is full; use `tryRegister` to handle those.
  public func register(fd: Int32, interest: Interest, handler: any EventHandler) -> Registration {
    do {
      return try tryRegister(fd: fd, interest: interest, handler: handler)
    } catch {
      preconditionFailure("EventLoop.register(fd: \(fd)): \(error)")
    }
  }

  /// Adds `fd` to the epoll set; throws `epoll_ctl` `ENOMEM`/`ENOSPC`, or
  /// `EventLoop.register: ENOSPC` when all `maxRegistrations` slots are taken.
  public func tryRegister(fd: Int32, interest: Interest, handler: any EventHandler) throws(SystemError)
    -> Registration
  {
    let slot: Int32
    if state.pointee.freeSlot >= 0 {
      slot = state.pointee.freeSlot
      state.pointee.freeSlot = slots[Int(slot)].nextFree
    } else if state.pointee.initializedSlots < slotCapacity {
      slot = Int32(state.pointee.initializedSlots)
      (slots + Int(slot)).initialize(to: HandlerSlot(handler: nil, generation: 1, fd: -1, nextFree: -1))
      state.pointee.initializedSlots += 1
    } else {
      throw SystemError(call: "EventLoop.register", code: ENOSPC)
    }
    let entry = slots + Int(slot)
    let registration = Registration(slot: UInt32(slot), generation: entry.pointee.generation)
    do {
      try Epoll.ctl(epollFd, Epoll.add, fd, interest.rawValue, registration.packed)
    } catch {
      entry.pointee.nextFree = state.pointee.freeSlot
      state.pointee.freeSlot = slot
      throw error
    }
    entry.pointee.handler = handler
    entry.pointee.fd = fd
    entry.pointee.nextFree = -1
    return registration
  }

  /// Changes what `fd` waits for. Steady-state proxying should not need this per request:
  /// keep read interest on, write optimistically, add write interest only after a partial write.
  public func modify(_ registration: Registration, fd: Int32, interest: Interest) {
    precondition(isCurrent(registration), "EventLoop.modify of a stale registration")
    do {
      try Epoll.ctl(epollFd, Epoll.modify, fd, interest.rawValue, registration.packed)
    } catch {
      preconditionFailure("EventLoop.modify(fd: \(fd)): \(error)")
    }
  }

  /// Removes `fd` from the epoll set now (call it before closing `fd`). Events already taken
  /// for it in this batch are dropped; the handler reference is released and the slot reused
  /// only after the iteration. Unregistering a stale registration does nothing.
  public func unregister(_ registration: Registration, fd: Int32) {
    guard isCurrent(registration) else { return }
    let entry = slots + Int(registration.slot)
    precondition(
      entry.pointee.fd == fd, "EventLoop.unregister: fd \(fd) is not the registered \(entry.pointee.fd)")
    do {
      try Epoll.ctl(epollFd, Epoll.delete, fd, 0, 0)
    } catch {
      preconditionFailure("EventLoop.unregister(fd: \(fd)): \(error)")
    }
    entry.pointee.generation &+= 1
    state.pointee.pendingRelease.append(Int32(registration.slot))
  }

  /// True while `registration` has not been unregistered.
  public func isCurrent(_ registration: Registration) -> Bool {
    Int(registration.slot) < state.pointee.initializedSlots
      && slots[Int(registration.slot)].generation == registration.generation
  }

  // MARK: Tasks

  /// Runs `task` on the loop thread, after the current batch, in FIFO order with other
  /// `execute` calls. Thread-safe: a mutex-guarded queue; the eventfd is written only when the
  /// queue goes from empty to non-empty.
  public func execute(_ task: @escaping @Sendable () -> Void) {
    let first = tasks.withLock { queue in
      queue.append(task)
      return queue.count == 1
    }
    if first { wakeup.notify() }
  }

  /// Runs `task` on the loop thread once the current batch of events is handled (for frees that
  /// must wait until no queued event can reach the object). Loop-thread only.
  public func afterBatch(_ task: @escaping () -> Void) {
    state.pointee.afterBatch.append(task)
  }

  /// Makes a blocked `epoll_wait` return. Thread-safe.
  public func wakeUp() {
    wakeup.notify()
  }

  /// Makes `run()` return after the current iteration. Thread-safe.
  public func stop() {
    stopRequested.store(true, ordering: .releasing)
    wakeup.notify()
  }

  // MARK: Running

  /// Runs the loop on the calling thread until `stop()`. A `stop()` that came before `run()`
  /// makes it return at once; the request is consumed either way.
  public func run() {
    let thread = UInt(pthread_self())
    let (exchanged, _) = loopThread.compareExchange(
      expected: 0, desired: thread, ordering: .acquiringAndReleasing)
    precondition(exchanged, "EventLoop.run called while already running")
    defer {
      stopRequested.store(false, ordering: .relaxed)
      loopThread.store(0, ordering: .releasing)
    }
    let state = self.state
    let clock = self.clock
    state.pointee.now = clock.monotonicNanos()
    while !stopRequested.load(ordering: .acquiring) {
      let timeout: Int32 = state.pointee.afterBatch.isEmpty ? -1 : 0
      let count = Epoll.wait(epollFd, events, EventLoop.batchSize, timeout)
      state.pointee.now = clock.monotonicNanos()
      var index = 0
      while index < count {
        dispatch(events[index])
        index += 1
      }
      if state.pointee.wokenUp {
        state.pointee.wokenUp = false
        runTasks()
      }
      fireTimers()
      finishIteration()
    }
  }

  @inline(__always)
  private func dispatch(_ event: epoll_event) {
    let data = event.data.u64
    let slot = Int(truncatingIfNeeded: data & 0xFFFF_FFFF)
    guard slot < slotCapacity else {
      if data == EventLoop.wakeData {
        state.pointee.wokenUp = true
      } else if data == EventLoop.timerData {
        state.pointee.timerFired = true
      }
      return
    }
    let entry = slots + slot
    guard entry.pointee.generation == UInt32(truncatingIfNeeded: data >> 32),
      let handler = entry.pointee.handler
    else { return }
    handler.handle(Events(raw: event.events))
  }

  private func runTasks() {
    // Read the eventfd before taking the queue: an `execute` after the swap then leaves the
    // eventfd readable for the next iteration instead of being absorbed by this read.
    wakeup.reset()
    tasks.withLock { queue in swap(&queue, &state.pointee.runningTasks) }
    var index = 0
    while index < state.pointee.runningTasks.count {
      let task = state.pointee.runningTasks[index]
      task()
      index += 1
    }
    if index > 0 { state.pointee.runningTasks.removeAll(keepingCapacity: true) }
  }

  private func finishIteration() {
    var index = 0
    while index < state.pointee.afterBatch.count {
      let task = state.pointee.afterBatch[index]
      task()
      index += 1
    }
    // Emptied only when something is in it: `removeAll(keepingCapacity:)` is a generic
    // `replaceSubrange` (~85 instructions) even on an empty array, and this runs after every
    // batch of events, which are mostly one request's (docs/performance.md,
    // "Pass-through and repeated token, round 6").
    if index > 0 { state.pointee.afterBatch.removeAll(keepingCapacity: true) }
    for slot in state.pointee.pendingRelease {
      let entry = slots + Int(slot)
      entry.pointee.handler = nil
      entry.pointee.fd = -1
      entry.pointee.nextFree = state.pointee.freeSlot
      state.pointee.freeSlot = slot
    }
    if !state.pointee.pendingRelease.isEmpty {
      state.pointee.pendingRelease.removeAll(keepingCapacity: true)
    }
  }
}
