import Config
import Net

/// Checks on how the process is exposed: the admin listener, which peers may name the client's
/// address, and whether the routes deny by default.
enum DeploymentChecks {
  static let all = [adminListener, adminToken, trustedProxies, defaultRoute, shadowedRoutes]

  static let adminListener = StaticCheck(
    "GH-DEP-001", "The admin listener is on loopback or needs a token", .deployment, .critical,
    recommendation:
      "Set [admin] token = \"env:GATEHOUSE_ADMIN_TOKEN\" whenever the admin listener is not on 127.0.0.1 (Kubernetes probes need 0.0.0.0; /healthz and /readyz stay open); otherwise anyone who reaches it can list and revoke sessions and read /config."
  ) { config in
    guard let listen = config.admin.listen else { return .passed("[admin] listen = \"off\"") }
    if listen.ip.isLoopback { return .passed("[admin] listen = \"\(listen)\" (loopback)") }
    return config.admin.token == nil
      ? .failed(
        "[admin] listen = \"\(listen)\" without a token: the session admin API is open to the network")
      : .passed("[admin] listen = \"\(listen)\" with a bearer token")
  }

  static let adminToken = StaticCheck(
    "GH-DEP-002", "The admin token is long and random", .deployment, .high,
    recommendation: "Use 32 random bytes for the admin token: `head -c 32 /dev/urandom | base64`."
  ) { config in
    guard let token = config.admin.token else { return .skipped("no [admin] token") }
    let strength = SecretStrength(token.revealed)
    return .judging(
      strength.problems.map { "[admin] token: \($0)" }, passing: ["[admin] token: \(strength.summary)"])
  }

  static let trustedProxies = StaticCheck(
    "GH-DEP-003", "trusted_proxies is not a catch-all", .deployment, .high,
    recommendation:
      "List only the addresses of your own load balancers or ingress in [server] trusted_proxies: a trusted peer chooses the client address that IP binding and the logs use."
  ) { config in
    let proxies = config.server.trustedProxies
    guard !proxies.isEmpty else { return .passed("trusted_proxies = []: the socket peer is the client") }
    var problems: [String] = []
    var warnings: [String] = []
    for cidr in proxies {
      if cidr.prefixLength == 0 {
        problems.append(
          "\(cidr) trusts every peer: any client can forge X-Forwarded-For and defeat IP binding")
      } else if cidr.network.isIPv4 ? cidr.prefixLength < 8 : cidr.prefixLength < 32 {
        warnings.append("\(cidr) is very wide: are all of these addresses your proxies?")
      }
    }
    if !problems.isEmpty { return CheckOutcome(.failed, problems + warnings) }
    if !warnings.isEmpty { return CheckOutcome(.warning, warnings) }
    return .passed("trusted_proxies = " + proxies.map(\.description).joined(separator: ", "))
  }

  static let defaultRoute = StaticCheck(
    "GH-DEP-004", "The catch-all route is not public", .deployment, .high,
    recommendation:
      "Make the path_prefix = \"/\" route session or jwt and list public paths (assets, health, login) as their own routes before it; or remove it, so unmatched paths are denied."
  ) { config in
    guard let catchAll = config.routes.first(where: { $0.match == .prefix("/") && $0.methods.isEmpty }) else {
      return .passed("no catch-all route: paths no route matches are denied (401)")
    }
    return catchAll.auth == .publicAccess
      ? .failed(
        "route \(catchAll.name) (path_prefix = \"/\") is public: every path not listed before it is open")
      : .passed("route \(catchAll.name) (path_prefix = \"/\") needs auth = \"\(catchAll.auth.rawValue)\"")
  }

  static let shadowedRoutes = StaticCheck(
    "GH-DEP-005", "No protected route is hidden behind an earlier public route", .deployment, .high,
    recommendation:
      "Move the protected route above the public route that covers it (the first match wins), or narrow the public route's path."
  ) { config in
    var problems: [String] = []
    for (j, route) in config.routes.enumerated() where route.auth != .publicAccess {
      for earlier in config.routes[..<j] where earlier.auth == .publicAccess && covers(earlier, route) {
        problems.append(
          "route \(route.name) (\(describe(route.match)), auth = \"\(route.auth.rawValue)\") is never reached: public route \(earlier.name) (\(describe(earlier.match))) matches first"
        )
        break
      }
    }
    return .judging(problems, passing: ["\(config.routes.count) routes, none hidden"])
  }

  /// True when every request `later` matches is matched by `earlier` first.
  static func covers(_ earlier: RouteSettings, _ later: RouteSettings) -> Bool {
    let methods =
      earlier.methods.isEmpty
      || (!later.methods.isEmpty && later.methods.allSatisfy(earlier.methods.contains))
    guard methods else { return false }
    switch (earlier.match, later.match) {
    case (.prefix(let p), .prefix(let q)), (.prefix(let p), .exact(let q)): return q.hasPrefix(p)
    case (.exact(let p), .exact(let q)): return p == q
    case (.exact, .prefix): return false
    }
  }

  private static func describe(_ match: RouteMatch) -> String {
    switch match {
    case .prefix(let path): "path_prefix = \"\(path)\""
    case .exact(let path): "path = \"\(path)\""
    }
  }
}
