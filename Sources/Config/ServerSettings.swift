public import Net

/// `[server]`: the public listener and its worker threads. Immutable.
public struct ServerSettings: Sendable, Equatable {
  public static let defaultListen = SocketAddress(ip: .v4(0), port: 8000)
  public static let maxWorkers = 256

  public let listen: SocketAddress
  /// Worker threads (one event loop each). Already resolved: the loader turns a configured 0
  /// into `ConfigSources.onlineCores`. The initialiser's default, 1, stands for a one-core machine.
  public let workers: Int
  /// How long in-flight requests may finish after a stop signal.
  public let drainTimeout: Duration
  /// Peers whose `X-Forwarded-For` is believed.
  public let trustedProxies: [CIDR]

  public init(
    listen: SocketAddress = ServerSettings.defaultListen, workers: Int = 1,
    drainTimeout: Duration = .seconds(20), trustedProxies: [CIDR] = []
  ) {
    self.listen = listen
    self.workers = workers
    self.drainTimeout = drainTimeout
    self.trustedProxies = trustedProxies
  }
}
