/// A scheduled timer: a slot in the loop's timer table and its generation. Immutable.
/// A fired or cancelled timer's slot gets a new generation, so cancelling an old `TimerID`
/// is a no-op even after the slot was reused.
public struct TimerID: Hashable, Sendable {
  let slot: Int32
  let generation: UInt32
}
