/// What a cluster node's error reply asks the client to do (cluster spec, docs/redis.md §9).
/// Pure and immutable.
public enum RedisClusterRedirect: Equatable, Sendable {
  /// `MOVED <slot> <host>:<port>`: the slot lives elsewhere now; retry there and refresh the
  /// whole map (one move usually means many).
  case moved(slot: Int, to: RedisAddress)
  /// `ASK <slot> <host>:<port>`: the slot is being migrated and this key already left; send
  /// `ASKING` and the command once to that node, without touching the map.
  case ask(slot: Int, to: RedisAddress)
  /// `TRYAGAIN`: a multi-key command met a slot mid-migration; retry after a moment.
  case tryAgain
  /// `CLUSTERDOWN`: the cluster cannot serve (no quorum, slots uncovered, failover running);
  /// retry after a moment with a fresh map.
  case clusterDown

  /// The redirect in an error reply `message`; nil for any other error. An empty host (`:6380`)
  /// means the host of the node that answered (`askedHost`).
  public init?(message: String, askedHost: String) {
    let words = message.split(separator: " ", omittingEmptySubsequences: true)
    guard let first = words.first else { return nil }
    switch first {
    case "TRYAGAIN": self = .tryAgain
    case "CLUSTERDOWN": self = .clusterDown
    case "MOVED", "ASK":
      guard words.count == 3, let slot = Int(words[1]), slot >= 0, slot < RedisClusterSlot.count,
        let colon = words[2].lastIndex(of: ":"), let port = Int(words[2][words[2].index(after: colon)...])
      else { return nil }
      var host = String(words[2][..<colon])
      if host.isEmpty { host = askedHost }
      if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
      guard let address = RedisAddress(host: host, port: port) else { return nil }
      self = first == "MOVED" ? .moved(slot: slot, to: address) : .ask(slot: slot, to: address)
    default: return nil
    }
  }
}
