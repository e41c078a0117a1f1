import ArgumentParser
import Audit
import Codecs
import Config
import Crypto
import Net
import Proxy

/// The flags of `gatehouse audit` that drive the live probes, and the run built from them.
struct LiveAuditFlags: ParsableArguments {
  @Option(help: "Probe the deployment at this URL (http://host:port or https://host:port).")
  var target: String?

  @Flag(help: "Confirm you are authorised to attack the target (required with --target).")
  var iOwnThisTarget = false

  @Option(help: "The app's login path (Gatehouse-Login answers it); {user} is replaced by the user name.")
  var login: String?

  @Option(help: "Login method: POST (a urlencoded form) or GET (fields in the query).")
  var loginMethod: String = "POST"

  @Option(
    help: ArgumentHelp(
      "A login form field NAME=VALUE (repeatable; {user} is replaced, env:VAR reads the environment).",
      discussion: "Default: username={user} and password=env:GATEHOUSE_AUDIT_PASSWORD."))
  var loginField: [String] = []

  @Option(help: "The user to log in as (default: gatehouse-audit-<run id>, for apps that accept any user).")
  var user: String?

  @Option(help: "The user id the app sends in Gatehouse-Login, when it differs from --user (for revocation).")
  var sessionUser: String?

  @Option(help: "A session route that echoes the request headers it received (spoof and CSRF probes).")
  var reflect: String?

  @Option(
    help: "A session route to test sessions against (default: --reflect, else the first session route).")
  var sessionPath: String?

  @Option(help: "The app's logout path (POST with the CSRF token); without it the logout probe is skipped.")
  var logout: String?

  @Option(help: "The admin listener's URL (default: from [admin] listen and the target's host).")
  var admin: String?

  @Option(help: "Environment variable with the admin token (default: [admin] token from the config).")
  var adminTokenEnv: String?

  @Option(help: "Logins for the ticket-quality probe.")
  var logins: Int = 200

  @Option(help: "Requests per kind for the timing probe.")
  var timingSamples: Int = 2000

  @Option(help: "Welch's |t| from which the timing probe warns.")
  var timingThreshold: Double = 4.5

  @Option(help: "Longest wait for a rotation (e.g. 30s, 6m); longer rotation intervals are skipped.")
  var rotationWait: String = "30s"

  @Option(help: "Requests per second at most (0 = no limit).")
  var rate: Double = 100

  @Option(help: "A local address in another subnet to replay a stolen cookie from (hijack probe).")
  var replayFrom: String?

  func validate() throws {
    guard let target else {
      let liveOnly = [login, reflect, logout, admin, replayFrom].contains { $0 != nil } || iOwnThisTarget
      if liveOnly {
        throw ValidationError("--login, --reflect, --logout, --admin and --replay-from need --target")
      }
      return
    }
    guard iOwnThisTarget else {
      throw ValidationError(
        "refusing to probe \(target): the live probes attack it (logins, forged and replayed cookies, CSRF and request-smuggling attempts). Pass --i-own-this-target to confirm you are authorised to test it."
      )
    }
    guard login != nil else { throw ValidationError("--target needs --login PATH (the app's login)") }
    guard ["GET", "POST"].contains(loginMethod.uppercased()) else {
      throw ValidationError("--login-method must be GET or POST")
    }
    for field in loginField where !field.contains("=") {
      throw ValidationError("--login-field \(field): expected NAME=VALUE")
    }
    guard ConfigDuration.parse(rotationWait) != nil else {
      throw ValidationError("--rotation-wait \(rotationWait): use e.g. 30s or 6m")
    }
    if let replayFrom, IPAddress(replayFrom) == nil {
      throw ValidationError("--replay-from \(replayFrom): not an IP address")
    }
    guard logins >= 2, timingSamples >= 2 else {
      throw ValidationError("--logins and --timing-samples must be at least 2")
    }
  }

  /// Runs the live probes; returns their results, the cleanup and the target as probed.
  func run(config: GatehouseConfig, environment: [String: String], target text: String) throws
    -> (results: [CheckResult], cleanup: LiveAudit.Cleanup, target: String)
  {
    let runID = Hex.encode(SecureRandom.bytes(8))
    let target = try ProbeTarget.parse(text)
    let network = SocketProbeNetwork()
    let userAgent = "gatehouse-audit/\(gatehouseVersion) (run \(runID))"
    let client = try AuditHTTPClient(
      target: target, network: network, userAgent: userAgent, requestsPerSecond: rate)
    // Unreachable is "could not run" (exit 3), not twelve failed probes.
    try client.checkReachable()
    let user = self.user ?? "gatehouse-audit-\(runID.prefix(8))"
    var options = LiveAuditOptions(login: loginForm(environment), user: user, sessionUser: sessionUser)
    options.reflectPath = reflect
    options.sessionPath = sessionPath
    options.logoutPath = logout
    options.logins = logins
    options.timingSamples = timingSamples
    options.timingThreshold = timingThreshold
    options.rotationWait = ConfigDuration.parse(rotationWait) ?? .seconds(30)
    options.replaySource = replayFrom.flatMap(IPAddress.init)
    let adminClient = try adminClient(
      config: config, environment: environment, target: target, network: network)
    let context = LiveAuditContext(
      config: config, options: options, client: client, admin: adminClient, runID: runID)
    let (results, cleanup) = LiveAudit.run(context) { printError("gatehouse audit: \($0)") }
    return (results, cleanup, target.description)
  }

  private func loginForm(_ environment: [String: String]) -> LoginForm {
    let given =
      loginField.isEmpty ? ["username={user}", "password=env:GATEHOUSE_AUDIT_PASSWORD"] : loginField
    let fields = given.map { field -> (name: String, value: String) in
      let name = String(field.prefix { $0 != "=" })
      var value = String(field.drop { $0 != "=" }.dropFirst())
      if value.hasPrefix("env:") { value = environment[String(value.dropFirst(4))] ?? "" }
      return (name, value)
    }
    return LoginForm(path: login ?? "/login", method: loginMethod, fields: fields)
  }

  /// The admin API client, nil (with a note on stderr) when there is no reachable admin listener.
  private func adminClient(
    config: GatehouseConfig, environment: [String: String], target: ProbeTarget, network: SocketProbeNetwork
  ) throws -> AdminClient? {
    let adminTarget: ProbeTarget
    if let admin {
      adminTarget = try ProbeTarget.parse(admin)
    } else if let listen = config.admin.listen {
      // A wildcard listener is reached at the target's host; a loopback one only from that host.
      let wildcard = listen.ip == .v4(0) || listen.ip == .v6(0, 0)
      adminTarget = ProbeTarget(
        isTLS: false, host: wildcard ? target.host : listen.ip.description, port: listen.port)
    } else {
      printError(
        "gatehouse audit: [admin] listen = \"off\": sessions are checked and revoked without the admin API")
      return nil
    }
    let token = adminTokenEnv.map { environment[$0] ?? "" } ?? config.admin.token?.revealed
    let client = try AuditHTTPClient(
      target: adminTarget, network: network, userAgent: "gatehouse-audit/\(gatehouseVersion)",
      requestsPerSecond: rate)
    let admin = AdminClient(client: client, token: token)
    do {
      _ = try admin.sessionHashes(user: "gatehouse-audit-reachability-check")
    } catch {
      printError(
        "gatehouse audit: admin API at \(adminTarget) not usable (\(error)); pass --admin URL and --admin-token-env"
      )
      return nil
    }
    return admin
  }
}
