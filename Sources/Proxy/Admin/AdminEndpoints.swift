public import Config
import Crypto
public import EventLoop
import HTTP1
import Synchronization

/// What the admin listener answers, apart from sockets (so tests call it directly):
///
/// | path | answer |
/// |---|---|
/// | `/healthz` | 200 `ok` — the process runs its admin loop; never needs the token (liveness) |
/// | `/readyz` | 200 `{"status":"ready"}` or 503 naming the failing `Readiness` checks |
/// | `/health` | graded JSON verdict (`HealthMonitor`): 200 healthy or degraded, 503 unhealthy |
/// | `/metrics` | Prometheus text 0.0.4 |
/// | `/config` | the effective configuration as TOML, secrets redacted |
/// | `/sessions` | the session admin API (`SessionAdmin`) |
/// | `/` | the dashboard page (`DashboardPage`; static, needs no token) |
/// | `/status.json` | what the dashboard shows (`StatusBoard`) |
/// | `/dashboard/access` | the dashboard's sign-in (`DashboardAccess`) |
/// | `/migration` | a session migration's setting (GET) and changes to it (PUT, `MigrationAdmin`) |
///
/// GET and HEAD only (405 with `Allow` otherwise; `/sessions` also takes DELETE,
/// `/dashboard/access` POST and DELETE, `/migration` PUT with a small JSON body); unknown paths
/// 404. With `[admin] token`, everything but `/healthz`, `/readyz` and the page needs the token
/// — `Authorization: Bearer <token>` (constant-time compare) or the dashboard's sign-in cookie
/// (`AdminAccess`); 401 with `WWW-Authenticate: Bearer` otherwise. Kubernetes probes send no header, so with a token set
/// `/readyz` and `/healthz` stay open.
/// Thread-safe (Mutex around the reloadable settings and the late-bound components).
public final class AdminEndpoints: Sendable {
  public let readiness: Readiness
  /// The graded `/health` (nil: 404).
  let health: HealthMonitor?
  let metrics: GatehouseMetrics
  /// The session admin API (`/sessions`), once sessions are configured.
  let sessionAdmin = Mutex<SessionAdmin?>(nil)
  /// The migration admin API (`/migration`), once a migration is configured.
  let migrationAdmin = Mutex<MigrationAdmin?>(nil)
  /// `/.well-known/jwks.json` (the assertion's public keys) and its `max-age`, with `[assertion]`.
  let assertionKeys = Mutex<(body: [UInt8], maxAge: Int64)?>(nil)
  /// What `/status.json` reads, once the server started.
  let statusBoard = Mutex<StatusBoard?>(nil)
  let page: DashboardPage
  let signIns: AdminSessionCookie
  /// Security events of operators' actions (sign-in, revocations).
  let events: @Sendable (AdminEvent) -> Void
  let clock: any Clock
  private let settings: Mutex<Settings>

  struct Settings {
    var token: [UInt8]?
    var configText: String
    /// 1 for the configuration at start, +1 for each applied reload.
    var generation = 0
    /// Wall-clock nanoseconds of the last `update`.
    var loadedAt: Int64 = 0
  }

  public init(
    config: GatehouseConfig, readiness: Readiness, metrics: GatehouseMetrics,
    clock: any Clock = SystemClock(), health: HealthMonitor? = nil,
    events: @escaping @Sendable (AdminEvent) -> Void = { _ in }
  ) {
    self.health = health
    self.readiness = readiness
    self.metrics = metrics
    self.clock = clock
    self.events = events
    self.page = DashboardPage()
    self.signIns = AdminSessionCookie()
    self.settings = Mutex(Settings(token: nil, configText: ""))
    update(config)
  }

  /// Takes the token and `/config` text of a (re)loaded configuration; `/config` starts with a
  /// comment naming its generation and when it was loaded (wall clock).
  public func update(_ config: GatehouseConfig) {
    let token = config.admin.token.map { Array($0.revealed.utf8) }
    let text = config.redactedDescription()
    let now = clock.wallNanos()
    settings.withLock {
      $0.token = token
      $0.generation += 1
      $0.loadedAt = now
      $0.configText = "# generation \($0.generation), loaded \(Timestamp.iso8601(nanos: now))\n" + text
    }
  }

  /// The configuration generation and when it was loaded (wall-clock nanoseconds).
  var configGeneration: (number: Int, loadedAt: Int64) { settings.withLock { ($0.generation, $0.loadedAt) } }

  var tokenConfigured: Bool { settings.withLock { $0.token != nil } }

  /// Answers one request synchronously (a Redis-backed `/sessions` answer is not waited for:
  /// use the `resume` form on the admin loop).
  func respond(method: HTTPMethod, path: [UInt8], query: [UInt8] = [], authorization: [UInt8]?)
    -> AdminResponse
  {
    respond(AdminRequest(method: method, path: path, query: query, authorization: authorization))
  }

  func respond(_ request: AdminRequest) -> AdminResponse {
    respond(request) { _ in } ?? SessionAdmin.unavailable
  }

  /// Answers one request. Returns nil when the answer comes later through `resume` (the
  /// Redis-backed `/sessions` API; `resume` then runs on a worker's thread, not the caller's).
  func respond(_ request: AdminRequest, resume: @escaping @Sendable (AdminResponse) -> Void) -> AdminResponse?
  {
    let endpoint = Endpoint(request.path)
    guard endpoint != .unknown else { return .text(404, "not found") }
    let current = settings.withLock { $0 }
    if endpoint == .dashboardAccess {
      return DashboardAccess(endpoints: self).respond(request, token: current.token)
    }
    if endpoint == .sessions {
      let caller: AdminCaller
      switch decide(request, token: current.token) {
      case .allowed(let allowed): caller = allowed
      case .unauthorized: return AdminAccess.unauthorizedResponse
      case .csrfRefused: return AdminAccess.csrfResponse
      }
      guard let sessions = sessionAdmin.withLock({ $0 }) else {
        return .text(404, "sessions are not configured")
      }
      return sessions.respond(request, caller: caller, resume: resume)
    }
    if endpoint == .migration {
      switch decide(request, token: current.token) {
      case .allowed: break
      case .unauthorized: return AdminAccess.unauthorizedResponse
      case .csrfRefused: return AdminAccess.csrfResponse
      }
      guard let migration = migrationAdmin.withLock({ $0 }) else {
        return .text(404, "no session migration is configured")
      }
      return migration.respond(method: request.method, body: request.body, resume: resume)
    }
    guard request.method == .get || request.method == .head else {
      return .text(405, "method not allowed", extraHeaders: [("Allow", "GET, HEAD")])
    }
    // Probes never need the token: a kubelet httpGet probe cannot send a Secret.
    switch endpoint {
    case .healthz:
      return .text(200, "ok")
    case .readyz:
      let failures = readiness.failures()
      return AdminResponse(
        status: failures.isEmpty ? 200 : 503, contentType: AdminResponse.json,
        body: Readiness.body(for: failures))
    case .dashboard:
      return page.response
    case .jwks:
      // Public keys, for anyone who verifies the assertion: no token, like a JWKS endpoint.
      guard let keys = assertionKeys.withLock({ $0 }) else { return .text(404, "no [assertion] configured") }
      return AdminResponse(
        status: 200, contentType: AdminResponse.json, body: keys.body,
        extraHeaders: [("Cache-Control", "max-age=\(keys.maxAge)")])
    default:
      break
    }
    guard case .allowed = decide(request, token: current.token) else {
      return AdminAccess.unauthorizedResponse
    }
    switch endpoint {
    case .metrics:
      return AdminResponse(status: 200, contentType: AdminResponse.prometheus, body: metrics.scrape())
    case .config:
      return AdminResponse(
        status: 200, contentType: AdminResponse.plain, body: Array(current.configText.utf8))
    case .health:
      guard let health else { return .text(404, "not found") }
      let report = health.report()
      return AdminResponse(
        status: report.status == .unhealthy ? 503 : 200, contentType: AdminResponse.json, body: report.json())
    case .status:
      guard let board = statusBoard.withLock({ $0 }) else { return .text(503, "starting") }
      return AdminResponse(
        status: 200, contentType: AdminResponse.json, body: board.snapshot().body,
        extraHeaders: DashboardPage.apiHeaders)
    case .healthz, .readyz, .dashboard, .dashboardAccess, .sessions, .migration, .jwks, .unknown:
      return .text(404, "not found")
    }
  }

  func decide(_ request: AdminRequest, token: [UInt8]?) -> AdminAccess.Decision {
    AdminAccess.decide(request, token: token, cookies: signIns, nowSeconds: clock.wallNanos() / 1_000_000_000)
  }

  enum Endpoint {
    case healthz, readyz, health, metrics, config, sessions, dashboard, status, dashboardAccess, migration,
      jwks, unknown

    /// Endpoints that read a request body (up to `MigrationAdmin.maxBodyBytes`).
    var takesBody: Bool { self == .migration }

    init(_ path: [UInt8]) {
      let text = String(decoding: path, as: UTF8.self)
      if text == "/sessions" || text.hasPrefix("/sessions/") {
        self = .sessions
        return
      }
      switch text {
      case "/healthz": self = .healthz
      case "/readyz": self = .readyz
      case "/health": self = .health
      case "/metrics": self = .metrics
      case "/config": self = .config
      case "/": self = .dashboard
      case "/status.json": self = .status
      case "/dashboard/access": self = .dashboardAccess
      case "/migration": self = .migration
      case "/.well-known/jwks.json": self = .jwks
      default: self = .unknown
      }
    }
  }
}

/// ASCII case folding for the admin's header checks. Immutable.
enum ASCIIFold {
  @inline(__always)
  static func lower(_ byte: UInt8) -> UInt8 {
    byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
  }
}
