public import Config
import Sessions

/// What every probe shares: the configuration the deployment runs with, the operator's options,
/// the HTTP client, the session agent (nil without `[session]`), the admin API (nil when not
/// reachable) and a random run id that marks everything this audit sends. Single-thread use.
public final class LiveAuditContext {
  public let config: GatehouseConfig
  public let options: LiveAuditOptions
  public let client: AuditHTTPClient
  let agent: SessionAgent?
  public let admin: AdminClient?
  /// 16 hex digits, in user names and spoofed header values.
  public let runID: String

  public init(
    config: GatehouseConfig, options: LiveAuditOptions, client: AuditHTTPClient, admin: AdminClient?,
    runID: String
  ) {
    self.config = config
    self.options = options
    self.client = client
    self.admin = admin
    self.runID = runID
    agent = config.session.map {
      SessionAgent(client: client, options: options, session: $0, routePath: Self.sessionRoutePath(config))
    }
  }

  var network: any ProbeNetwork { client.network }

  /// How many logins the probes made (each one a session to revoke).
  public var logins: Int { agent?.logins ?? 0 }

  /// A GET target on the first session route that takes GET: its exact path, or its prefix.
  static func sessionRoutePath(_ config: GatehouseConfig) -> String? {
    let route = config.routes.first {
      ($0.auth == .session || $0.auth == .sessionOrJWT) && ($0.methods.isEmpty || $0.methods.contains("GET"))
    }
    return route?.match.path
  }

  /// Sleeps until `nanoseconds` from now.
  func pause(_ nanoseconds: UInt64) {
    network.pause(until: network.monotonicNanos() + nanoseconds)
  }
}
