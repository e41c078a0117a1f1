public import Net

/// `[admin]`: the second listener (`/healthz`, `/readyz`, `/health`, `/metrics`, `/config`, `/sessions`).
/// Immutable.
public struct AdminSettings: Sendable, Equatable {
  public static let defaultListen = SocketAddress(ip: .v4(0x7F00_0001), port: 9901)

  /// nil when the file says `listen = "off"`.
  public let listen: SocketAddress?
  /// Bearer token required for everything but `/healthz`; nil means no token.
  public let token: Secret?

  public init(listen: SocketAddress? = AdminSettings.defaultListen, token: Secret? = nil) {
    self.listen = listen
    self.token = token
  }

  public var isEnabled: Bool { listen != nil }
}
