/// One registration of a descriptor with an `EventLoop`: a slot in the loop's table and the
/// slot's generation when it was taken. Immutable.
///
/// Both travel in `epoll_event.data.u64` (`generation << 32 | slot`), so an event that was
/// already queued for an unregistered descriptor is recognised as stale and dropped, even if
/// its slot has been reused. `slot` is small and dense: callers may index their own tables
/// with it.
public struct Registration: Hashable, Sendable {
  public let slot: UInt32
  public let generation: UInt32

  @inline(__always)
  var packed: UInt64 { UInt64(generation) << 32 | UInt64(slot) }
}
