import Foundation
import XCTest

/// Base class of the session tests (docs/DECISIONS.md §7): a gatehouse with a `[session]` over plain HTTP
/// (`secure_cookie = false`, cookie `gh_session`) and the routes the lifecycle needs, plus helpers
/// to log in, present a cookie and read what the upstream was given. Runs on the XCTest thread.
///
/// Routes: `/login-as/` public (the echo upstream answers with `Gatehouse-Login`), `/logout-this`,
/// `/logout-all`, `/elevate` and `/app/` session (`on_unauthenticated = "auto"`), `/api/` session
/// (`"deny"`), `/__probe` public.
class SessionTestCase: GatehouseTestCase {
  static let cookieName = "gh_session"

  /// A fresh 64-character literal key per process: tests never depend on a fixed secret.
  static let sessionKey: String = {
    let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
    return String((0..<64).map { _ in alphabet.randomElement()! })
  }()

  /// The TOML template. `session` lines are appended to `[session]`.
  func sessionConfig(session extra: [String] = [], trustedProxies: [String] = []) -> String {
    let trusted = trustedProxies.map { "\"\($0)\"" }.joined(separator: ", ")
    return """
      [server]
      listen = "127.0.0.1:{PORT}"
      workers = 2
      drain_timeout = "2s"
      trusted_proxies = [\(trusted)]

      [upstream]
      address = "127.0.0.1:{UPSTREAM_PORT}"
      connect_timeout = "1s"
      response_timeout = "2s"
      max_idle = 8

      [limits]
      header_timeout = "2s"
      idle_timeout = "5s"
      max_header_bytes = 8192

      [admin]
      listen = "127.0.0.1:{ADMIN_PORT}"

      [log]
      level = "info"

      [session]
      keys = ["\(Self.sessionKey)"]
      secure_cookie = false
      cookie_name = "\(Self.cookieName)"
      attribute_headers = { role = "X-User-Role" }
      \(extra.joined(separator: "\n"))

      [[route]]
      path_prefix = "/login-as/"
      auth = "public"

      [[route]]
      path = "/logout-this"
      auth = "session"

      [[route]]
      path = "/logout-all"
      auth = "session"

      [[route]]
      path = "/elevate"
      auth = "session"

      [[route]]
      path_prefix = "/app/"
      auth = "session"
      on_unauthenticated = "auto"

      [[route]]
      path_prefix = "/api/"
      auth = "session"
      on_unauthenticated = "deny"

      [[route]]
      path = "/__probe"
      auth = "public"

      """
  }

  @discardableResult
  /// The JWT fixtures' issuer (keys served at `jwksURL`) and a `/both/` route that takes a
  /// session cookie or a bearer token, to append to `sessionConfig()`.
  func sessionOrJWTSections(jwksURL: String) -> String {
    """

    [[jwt.issuer]]
    issuer = "https://login.example.com/"
    audiences = ["api.example.com"]
    jwks_uri = "\(jwksURL)"

    [[route]]
    path_prefix = "/both/"
    auth = "session_or_jwt"
    on_unauthenticated = "deny"

    """
  }

  func startSessionGatehouse(session extra: [String] = [], trustedProxies: [String] = []) throws
    -> GatehouseProcess
  {
    try startGatehouse(toml: sessionConfig(session: extra, trustedProxies: trustedProxies))
  }

  // MARK: - Cookies

  /// The `gh_session` Set-Cookie field of `response`, nil if none (fails on more than one).
  func sessionSetCookie(
    _ response: HTTPResponse, _ name: String, file: StaticString = #filePath, line: UInt = #line
  )
    -> String?
  {
    let fields = response.headers.values("Set-Cookie").filter { $0.hasPrefix("\(Self.cookieName)=") }
    XCTAssertLessThanOrEqual(
      fields.count, 1, "\(name): several session cookies in \(response)", file: file, line: line)
    return fields.first
  }

  /// The cookie value of a `Set-Cookie` field (`name=value; attrs` → value).
  func cookieValue(_ setCookie: String) -> String {
    let pair = setCookie.split(separator: ";", maxSplits: 1).first.map(String.init) ?? ""
    return String(pair.drop { $0 != "=" }.dropFirst())
  }

  /// The attributes of a `Set-Cookie` field, names lower-cased: ["path": "/", "httponly": ""].
  func cookieAttributes(_ setCookie: String) -> [String: String] {
    var out: [String: String] = [:]
    for part in setCookie.split(separator: ";").dropFirst() {
      let pieces = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
      out[pieces[0].lowercased()] = pieces.count > 1 ? pieces[1] : ""
    }
    return out
  }

  // MARK: - Requests

  /// `GET /login-as/USER` (optionally with `attrs`, a cookie and more headers); returns the new
  /// ticket and the whole Set-Cookie field. Fails the test (and throws) without a session cookie.
  func login(
    _ gatehouse: GatehouseProcess, _ user: String, attributes: String? = nil, cookie: String? = nil,
    headers: [(String, String)] = [], file: StaticString = #filePath, line: UInt = #line
  ) throws -> (ticket: String, setCookie: String, response: HTTPResponse) {
    var target = "/login-as/\(user)"
    if let attributes {
      target += "?attrs=" + (attributes.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
    }
    var all = headers
    if let cookie { all.append(("Cookie", "\(Self.cookieName)=\(cookie)")) }
    let (response, _) = try send(gatehouse, "GET", target, headers: all)
    XCTAssertEqual(response.status, 200, "login as \(user): \(response)", file: file, line: line)
    guard let setCookie = sessionSetCookie(response, "login as \(user)", file: file, line: line) else {
      XCTFail("login as \(user): no \(Self.cookieName) cookie in \(response)", file: file, line: line)
      throw HarnessError("no session cookie")
    }
    let ticket = cookieValue(setCookie)
    XCTAssertFalse(ticket.isEmpty, "login as \(user): empty ticket", file: file, line: line)
    return (ticket, setCookie, response)
  }

  /// One request presenting `ticket` (if any) in the Cookie field, after `extraCookies`.
  func request(
    _ gatehouse: GatehouseProcess, _ method: String = "GET", _ target: String, ticket: String?,
    extraCookies: String? = nil, headers: [(String, String)] = [], body: [UInt8] = []
  ) throws -> (response: HTTPResponse, forwarded: RecordedRequest?) {
    let before = upstream.requests.count
    var all = headers
    let cookies = [extraCookies, ticket.map { "\(Self.cookieName)=\($0)" }].compactMap { $0 }
    if !cookies.isEmpty { all.append(("Cookie", cookies.joined(separator: "; "))) }
    let (response, _) = try send(gatehouse, method, target, headers: all, body: body)
    let new = upstream.requests.dropFirst(before)
    return (response, new.last { $0.target == target })
  }

  /// Whether `ticket` is a live session: `GET /api/alive` answers 200 (and reaches the upstream)
  /// or 401 (and does not). Anything else fails the test.
  func isAlive(
    _ gatehouse: GatehouseProcess, _ ticket: String, headers: [(String, String)] = [], _ name: String,
    file: StaticString = #filePath, line: UInt = #line
  ) throws -> Bool {
    let (response, forwarded) = try request(gatehouse, "GET", "/api/alive", ticket: ticket, headers: headers)
    switch response.status {
    case 200:
      XCTAssertNotNil(forwarded, "\(name): 200 but nothing reached the upstream", file: file, line: line)
      return true
    case 401:
      XCTAssertNil(forwarded, "\(name): 401 but the upstream saw the request", file: file, line: line)
      return false
    default:
      XCTFail("\(name): expected 200 or 401, got \(response)", file: file, line: line)
      return false
    }
  }

  /// The CSRF token and session hash the upstream is given for `ticket` (via `GET /app/whoami`).
  func identity(
    _ gatehouse: GatehouseProcess, _ ticket: String, headers: [(String, String)] = [],
    file: StaticString = #filePath, line: UInt = #line
  ) throws -> (csrf: String, hash: String) {
    let (response, forwarded) = try request(gatehouse, "GET", "/app/whoami", ticket: ticket, headers: headers)
    XCTAssertEqual(response.status, 200, "identity: \(response)", file: file, line: line)
    let csrf = forwarded?.headers.value("X-CSRF-Token") ?? ""
    let hash = forwarded?.headers.value("X-Session-Hash") ?? ""
    XCTAssertFalse(csrf.isEmpty, "identity: no X-CSRF-Token upstream", file: file, line: line)
    XCTAssertFalse(hash.isEmpty, "identity: no X-Session-Hash upstream", file: file, line: line)
    return (csrf, hash)
  }

  /// One request to the admin listener (no token configured); returns status and body text.
  func admin(_ gatehouse: GatehouseProcess, _ method: String, _ target: String) throws -> (
    status: Int, body: String
  ) {
    let client = try RawClient(port: gatehouse.adminPort)
    defer { client.close() }
    try client.sendRequest(method, target, host: "127.0.0.1")
    let response = try client.readResponse(requestMethod: method)
    return (response.status, response.bodyText)
  }

  /// `ticket` with one character in the middle replaced by another base64url character.
  func tampered(_ ticket: String) -> String {
    var characters = Array(ticket)
    let middle = characters.count / 2
    characters[middle] = characters[middle] == "A" ? "B" : "A"
    return String(characters)
  }
}
