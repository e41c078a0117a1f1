public import Net

/// `[upstream]`: the application behind Gatehouse. Immutable.
public struct UpstreamSettings: Sendable, Equatable {
  public static let defaultAddress = SocketAddress(ip: .v4(0x7F00_0001), port: 8080)

  public let address: SocketAddress
  public let connectTimeout: Duration
  /// From the end of the request to the start of the response head.
  public let responseTimeout: Duration
  /// Idle keep-alive connections kept per worker.
  public let maxIdle: Int

  public init(
    address: SocketAddress = UpstreamSettings.defaultAddress, connectTimeout: Duration = .seconds(2),
    responseTimeout: Duration = .seconds(30), maxIdle: Int = 64
  ) {
    self.address = address
    self.connectTimeout = connectTimeout
    self.responseTimeout = responseTimeout
    self.maxIdle = maxIdle
  }
}
