/// What the cluster client does with one node's answer to a routed command: the redirect and
/// retry rules of the cluster spec (docs/redis.md §10) as a pure function, so they are
/// tested as a table. Immutable.
enum RedisClusterStep: Equatable {
  /// Hand the answer to the caller.
  case finish
  /// Hand the answer to the caller and refresh the slot map: the node is unreachable or
  /// answered in a way that suggests the topology changed (failover, demotion).
  case finishAndRefresh
  /// Send again to `to` (after `ASKING` when `asking`); refresh the map first when `refresh`.
  case redirect(to: RedisAddress, asking: Bool, refresh: Bool)
  /// Send again to the slot's owner after `delay`; refresh the map first when `refresh`.
  case retry(after: UInt64, refresh: Bool)

  /// `redirects` and `retries` count the hops already taken; `remaining` is the time left
  /// before the command's deadline.
  static func after(
    _ result: Result<RedisReply, RedisError>, askedHost: String, redirects: Int, retries: Int,
    remaining: UInt64, options: RedisClusterOptions
  ) -> RedisClusterStep {
    let message: String
    switch result {
    case .success: return .finish
    case .failure(.server(let text)): message = text
    case .failure(.disconnected), .failure(.connectFailed): return .finishAndRefresh
    // A late answer says nothing about the topology (the watchdog drops a stuck connection,
    // and that refreshes); refreshing on every timeout would make a slow node's clients ask
    // the cluster for its map over and over.
    case .failure(.timeout), .failure(.overloaded), .failure(.protocol): return .finish
    }
    switch RedisClusterRedirect(message: message, askedHost: askedHost) {
    case .moved(_, let address)?:
      if redirects < options.maxRedirects { return .redirect(to: address, asking: false, refresh: true) }
      // While a slot changes hands its two nodes can send a command back and forth for a moment
      // (each set its side of `CLUSTER SETSLOT` at a different time): back off and ask the
      // refreshed map again, within the deadline, instead of failing a valid request.
      let delay = options.retryBase << UInt64(min(retries, 20))
      return delay < remaining ? .retry(after: delay, refresh: true) : .finish
    case .ask(_, let address)?:
      return redirects < options.maxRedirects ? .redirect(to: address, asking: true, refresh: false) : .finish
    case let redirect?:
      let delay = options.retryBase << UInt64(min(retries, 20))
      guard delay < remaining else { return redirect == .clusterDown ? .finishAndRefresh : .finish }
      return .retry(after: delay, refresh: redirect == .clusterDown)
    case nil:
      // A node that cannot serve this role any more: a demoted master refusing a write, a
      // replica that is loading or lost its master.
      for prefix in ["READONLY", "LOADING", "MASTERDOWN"] where message.hasPrefix(prefix) {
        return .finishAndRefresh
      }
      return .finish
    }
  }
}
