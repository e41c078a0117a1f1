public import Config
import Crypto
import HTTP1
import Synchronization

/// What the admin listener answers, apart from sockets (so tests call it directly):
///
/// | path | answer |
/// |---|---|
/// | `/healthz` | 200 `ok` — the process runs its admin loop; never needs the token (liveness) |
/// | `/readyz` | 200 `{"status":"ready"}` or 503 naming the failing `Readiness` checks |
/// | `/metrics` | Prometheus text 0.0.4 |
/// | `/config` | the effective configuration as TOML, secrets redacted |
///
/// GET and HEAD only (405 with `Allow` otherwise); unknown paths 404. With `[admin] token`,
/// everything but `/healthz` needs `Authorization: Bearer <token>` (compared in constant time;
/// 401 with `WWW-Authenticate: Bearer` otherwise). Kubernetes probes send no header, so with a
/// token set `/readyz` needs an `httpHeaders` entry in the probe or a tokenless `/healthz`.
/// Thread-safe (Mutex around the reloadable settings).
public final class AdminEndpoints: Sendable {
  public let readiness: Readiness
  let metrics: GatehouseMetrics
  /// The session admin API (`/sessions`), once sessions are configured.
  let sessionAdmin = Mutex<SessionAdmin?>(nil)
  private let settings: Mutex<Settings>

  struct Settings {
    var token: [UInt8]?
    var configText: String
  }

  public init(config: GatehouseConfig, readiness: Readiness, metrics: GatehouseMetrics) {
    self.readiness = readiness
    self.metrics = metrics
    self.settings = Mutex(Settings(token: nil, configText: ""))
    update(config)
  }

  /// Takes the token and `/config` text of a (re)loaded configuration.
  public func update(_ config: GatehouseConfig) {
    let token = config.admin.token.map { Array($0.revealed.utf8) }
    let text = config.redactedDescription()
    settings.withLock {
      $0.token = token
      $0.configText = text
    }
  }

  /// Answers one request synchronously (a Redis-backed `/sessions` answer is not waited for:
  /// use the `resume` form on the admin loop).
  func respond(method: HTTPMethod, path: [UInt8], query: [UInt8] = [], authorization: [UInt8]?)
    -> AdminResponse
  {
    respond(method: method, path: path, query: query, authorization: authorization) { _ in }
      ?? SessionAdmin.unavailable
  }

  /// Answers one request. `path` excludes the query; `authorization` is the raw field value.
  /// Returns nil when the answer comes later through `resume` (the Redis-backed `/sessions`
  /// API; `resume` then runs on a worker's thread, not the caller's).
  func respond(
    method: HTTPMethod, path: [UInt8], query: [UInt8] = [], authorization: [UInt8]?,
    resume: @escaping @Sendable (AdminResponse) -> Void
  ) -> AdminResponse? {
    let endpoint = Endpoint(path)
    guard endpoint != .unknown else { return .text(404, "not found") }
    let current = settings.withLock { $0 }
    if endpoint == .sessions {
      if let token = current.token, !Self.authorized(authorization, token: token) {
        return .text(401, "unauthorized", extraHeaders: [("WWW-Authenticate", "Bearer")])
      }
      guard let sessions = sessionAdmin.withLock({ $0 }) else {
        return .text(404, "sessions are not configured")
      }
      return sessions.respond(method: method, path: path, query: query, resume: resume)
    }
    guard method == .get || method == .head else {
      return .text(405, "method not allowed", extraHeaders: [("Allow", "GET, HEAD")])
    }
    // Probes never need the token: a kubelet httpGet probe cannot send a Secret.
    if endpoint == .healthz { return .text(200, "ok") }
    if endpoint == .readyz {
      let failures = readiness.failures()
      return AdminResponse(
        status: failures.isEmpty ? 200 : 503, contentType: AdminResponse.json,
        body: Readiness.body(for: failures))
    }
    if let token = current.token, !Self.authorized(authorization, token: token) {
      return .text(401, "unauthorized", extraHeaders: [("WWW-Authenticate", "Bearer")])
    }
    switch endpoint {
    case .readyz:
      let failures = readiness.failures()
      return AdminResponse(
        status: failures.isEmpty ? 200 : 503, contentType: AdminResponse.json,
        body: Readiness.body(for: failures))
    case .metrics:
      return AdminResponse(status: 200, contentType: AdminResponse.prometheus, body: metrics.scrape())
    case .config:
      return AdminResponse(
        status: 200, contentType: AdminResponse.plain, body: Array(current.configText.utf8))
    case .healthz, .unknown, .sessions:
      return .text(404, "not found")
    }
  }

  /// `Bearer <token>`: scheme case-insensitive (RFC 9110 §11.1), one space, token compared in
  /// constant time.
  static func authorized(_ value: [UInt8]?, token: [UInt8]) -> Bool {
    guard let value, value.count > 7 else { return false }
    let scheme = Array("bearer ".utf8)
    for index in 0..<7 where ASCIIFold.lower(value[index]) != scheme[index] { return false }
    return ConstantTime.equals(Array(value[7...]), token)
  }

  enum Endpoint {
    case healthz, readyz, metrics, config, sessions, unknown

    init(_ path: [UInt8]) {
      let text = String(decoding: path, as: UTF8.self)
      if text == "/sessions" || text.hasPrefix("/sessions/") {
        self = .sessions
        return
      }
      switch text {
      case "/healthz": self = .healthz
      case "/readyz": self = .readyz
      case "/metrics": self = .metrics
      case "/config": self = .config
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
