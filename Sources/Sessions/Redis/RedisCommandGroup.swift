/// Commands pipelined as one group that write themselves into an adapter's encoder
/// (`RedisAdapter.send(group:…)`), instead of being handed over as argument arrays.
/// Loop-thread only.
protocol RedisCommandGroup {
  /// The number of commands (one reply each).
  var count: Int { get }
  /// Writes command number `index` (0-based): `begin`, its arguments, nothing after.
  func write(_ index: Int, into encoder: inout RedisCommandEncoder)
}
