import Net

/// A Redis (or Sentinel) endpoint: a numeric IP address and a port. Immutable.
///
/// Only numeric addresses: `redisAsyncConnect` would run a blocking `getaddrinfo` on the loop
/// thread for a name, so names are resolved elsewhere (config load, a helper thread).
public struct RedisAddress: Hashable, Sendable, CustomStringConvertible {
  public let host: String
  public let port: Int

  /// Nil unless `host` is a numeric IPv4/IPv6 address and `port` is in 1...65535.
  public init?(host: String, port: Int) {
    guard IPAddress(host) != nil, (1...65535).contains(port) else { return nil }
    self.host = host
    self.port = port
  }

  public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
