/// Why a Redis command or connection failed. Immutable.
public enum RedisError: Error, Equatable, Sendable, CustomStringConvertible {
  /// No usable connection could be established (refused, connect deadline, AUTH/SELECT/ROLE
  /// refused, no sentinel reachable). The string is for logs.
  case connectFailed(String)
  /// The command's deadline passed before its reply arrived.
  case timeout
  /// The connection broke (or was dropped: watchdog, failover, `close`) before the reply, or
  /// there is no connection right now (waiting to reconnect).
  case disconnected
  /// Too many commands outstanding on the connection: failed fast instead of queueing.
  case overloaded
  /// Redis answered with an error reply (e.g. `NOSCRIPT ...`, `WRONGTYPE ...`).
  case server(String)
  /// A reply of an unexpected shape.
  case `protocol`(String)

  /// The case without its payload, for comparisons and metrics labels.
  public enum Kind: String, Sendable {
    case connectFailed, timeout, disconnected, overloaded, server, `protocol`
  }

  public var kind: Kind {
    switch self {
    case .connectFailed: .connectFailed
    case .timeout: .timeout
    case .disconnected: .disconnected
    case .overloaded: .overloaded
    case .server: .server
    case .protocol: .protocol
    }
  }

  public var description: String {
    switch self {
    case .connectFailed(let why): "redis connect failed: \(why)"
    case .timeout: "redis command timed out"
    case .disconnected: "redis disconnected"
    case .overloaded: "redis connection overloaded"
    case .server(let message): "redis error: \(message)"
    case .protocol(let why): "redis protocol: \(why)"
    }
  }
}
