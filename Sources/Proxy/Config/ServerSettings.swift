public import EventLoop
import Glibc
public import Net

/// `[server]`: the public listener and its worker threads. Immutable.
public struct ServerSettings: Sendable, Equatable {
  public static let defaultListen = SocketAddress(ip: .v4(0), port: 8000)
  public static let maxWorkers = 256

  public let listen: SocketAddress
  /// Worker threads (one event loop each). Already resolved: a configured 0 becomes the number
  /// of online cores.
  public let workers: Int
  /// How long in-flight requests may finish after a stop signal.
  public let drainTimeout: Duration
  /// Peers whose `X-Forwarded-For` is believed.
  public let trustedProxies: [CIDR]

  public init(
    listen: SocketAddress = ServerSettings.defaultListen, workers: Int = ServerSettings.onlineCores(),
    drainTimeout: Duration = .seconds(20), trustedProxies: [CIDR] = []
  ) {
    self.listen = listen
    self.workers = workers
    self.drainTimeout = drainTimeout
    self.trustedProxies = trustedProxies
  }

  /// `sysconf(_SC_NPROCESSORS_ONLN)`, clamped to 1...maxWorkers.
  public static func onlineCores() -> Int {
    min(max(Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))), 1), maxWorkers)
  }
}
