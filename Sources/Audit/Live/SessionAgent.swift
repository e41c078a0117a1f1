import Config
import Net
import Sessions

/// Sessions as the probes use them: log in through the app, present a ticket, decide whether
/// Gatehouse accepted it, read the CSRF token the app was given. Every login is counted so the
/// report can say how many sessions the audit made. Single-thread use.
final class SessionAgent {
  let client: AuditHTTPClient
  let options: LiveAuditOptions
  let session: SessionSettings
  /// The first session route that takes GET, from the configuration.
  let routePath: String?
  private(set) var logins = 0

  init(client: AuditHTTPClient, options: LiveAuditOptions, session: SessionSettings, routePath: String?) {
    self.client = client
    self.options = options
    self.session = session
    self.routePath = routePath
  }

  var cookieName: String { session.cookieName }

  /// What a login answered: the response and the session cookie it set, if any.
  struct Login {
    let response: HTTPResponse
    let cookie: ResponseCookie?
    var ticket: String? { cookie.flatMap { $0.isDeletion ? nil : $0.value } }
  }

  /// One login through the app's form, optionally carrying `cookie` (a planted ticket) and from
  /// another address or User-Agent.
  func tryLogin(cookie: String? = nil, from source: IPAddress? = nil, userAgent: String? = nil)
    throws(AuditError)
    -> Login
  {
    var headers: [HTTPHeader] = []
    if let cookie { headers.append(HTTPHeader("Cookie", "\(cookieName)=\(cookie)")) }
    if let userAgent { headers.append(HTTPHeader("User-Agent", userAgent)) }
    let response = try client.send(
      options.login.request(user: options.user, extraHeaders: headers), from: source)
    logins += 1
    return Login(response: response, cookie: response.cookies(named: cookieName).last)
  }

  /// A login that must give a ticket.
  func login(from source: IPAddress? = nil, userAgent: String? = nil) throws(AuditError) -> String {
    let login = try tryLogin(from: source, userAgent: userAgent)
    guard let ticket = login.ticket else {
      throw AuditError(
        .login,
        "\(options.login.method) \(options.login.path) answered \(login.response.summary) without a \(cookieName) cookie (check --login, --login-field and the password)"
      )
    }
    return ticket
  }

  /// A request presenting `ticket` (or a raw Cookie field value).
  func request(
    _ method: String = "GET", path: String? = nil, ticket: String?, cookieField: String? = nil,
    headers: [HTTPHeader] = [], body: [UInt8] = [], from source: IPAddress? = nil
  ) throws(AuditError) -> HTTPResponse {
    var all = headers
    if let cookieField {
      all.append(HTTPHeader("Cookie", cookieField))
    } else if let ticket {
      all.append(HTTPHeader("Cookie", "\(cookieName)=\(ticket)"))
    }
    return try client.send(ProbeRequest(method, path ?? sessionPath, headers: all, body: body), from: source)
  }

  /// Whether Gatehouse let a request with this session through (to the app, whatever the app
  /// answered) or refused it as unauthenticated.
  enum Acceptance: Equatable {
    case accepted
    case refused
    /// Neither (a 5xx, a CSRF refusal…): the evidence says what.
    case unclear
  }

  func acceptance(of response: HTTPResponse) -> Acceptance {
    if response.status == 401 && response.gatehouseError != nil { return .refused }
    if response.status == 302 || response.status == 303,
      let location = response.header("Location"), location.hasPrefix(session.loginURL)
    {
      return .refused
    }
    if response.gatehouseError != nil || response.status >= 500 { return .unclear }
    return .accepted
  }

  /// `acceptance` of a GET to the session path with `ticket`, and the response for evidence.
  func check(
    _ ticket: String?, cookieField: String? = nil, headers: [HTTPHeader] = [], from source: IPAddress? = nil
  )
    throws(AuditError) -> (Acceptance, HTTPResponse)
  {
    let response = try request(ticket: ticket, cookieField: cookieField, headers: headers, from: source)
    return (acceptance(of: response), response)
  }

  /// The session route asked by `check`: `--session-path`, else the reflect path, else the
  /// first session route that takes GET (its exact path or prefix).
  var sessionPath: String {
    if let path = options.sessionPath ?? options.reflectPath { return path }
    return routePath ?? "/"
  }

  /// The CSRF token the app receives for `ticket`: from the reflect path's body, or the
  /// `csrf_cookie` Gatehouse sets; nil when neither is available.
  func csrfToken(_ ticket: String) throws(AuditError) -> String? {
    guard let path = options.reflectPath ?? (session.csrfCookie.isEmpty ? nil : sessionPath) else {
      return nil
    }
    let response = try request("GET", path: path, ticket: ticket)
    if !session.csrfCookie.isEmpty, let cookie = response.cookies(named: session.csrfCookie).last {
      return cookie.value
    }
    return CSRFTokenScraper.find(in: response.body, after: [session.csrfHeader, session.csrfFormField])
  }
}
