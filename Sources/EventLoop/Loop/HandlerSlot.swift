/// One entry of an `EventLoop`'s registration table. Loop-thread only.
struct HandlerSlot {
  var handler: (any EventHandler)?
  /// Bumped on unregister: events and registrations carrying the old value are stale.
  var generation: UInt32
  var fd: Int32
  /// The next free slot while this one is free, else -1.
  var nextFree: Int32
}
