import Codecs
import Config
import HTTP1
import JWT
import Sessions

/// The reserved consent endpoint on the public listener, answered by `ConsentPhase`
/// (docs/cookies.md): `GET <reserved_prefix>consent` returns the current choice as JSON;
/// `POST` with `categories=functional,analytics` (urlencoded) or `{"categories": [...]}` (JSON)
/// sets the consent cookie and returns the new choice. A cross-site POST (`Sec-Fetch-Site:
/// cross-site`, or a foreign `Origin`) is refused 403, so another site cannot choose for the
/// visitor. Any other path under the prefix is 404, another method 405. Immutable.
struct ConsentEndpoint {
  /// Largest request body read.
  static let maxBodyBytes = 4096

  let policy: CookiePolicy

  func answer(
    _ request: inout RequestContext, _ view: RequestView, record: ConsentRecord?, now: Int64
  ) -> PhaseResult {
    let path = String(decoding: view.path, as: UTF8.self)
    guard path == policy.settings.consentPath else {
      return .reply(LocalReply(status: 404, body: "{\"error\":\"not_found\"}\n"))
    }
    switch view.head.method {
    case .get, .head:
      return .reply(LocalReply(status: 200, body: Self.json(record?.categories, time: record?.time, policy)))
    case .post:
      return post(&request, view, now: now)
    default:
      return .reply(
        LocalReply(
          status: 405, body: "{\"error\":\"method_not_allowed\"}\n", headers: [("allow", "GET, HEAD, POST")]))
    }
  }

  private func post(_ request: inout RequestContext, _ view: RequestView, now: Int64) -> PhaseResult {
    let index = request.headers
    let head = view.head
    if let host = index.value(index.host, head, view.bytes).map(Array.init) {
      let site = index.value(index.secFetchSite, head, view.bytes).map(Array.init)
      let origin = index.value(index.origin, head, view.bytes).map(Array.init)
      let allowed = ["https", "http"].contains {
        CSRFPolicy.crossSiteCheck(secFetchSite: site, origin: origin, scheme: $0, host: host) == .allowed
      }
      guard allowed else { return .answer(ProxyError(.forbidden, .downstream, "cross-site consent request")) }
    }
    // The body is read before answering; a client waiting for 100 Continue would never send it.
    guard !head.expectContinue else {
      return .answer(
        ProxyError(.expectationFailed, .downstream, "consent does not take Expect: 100-continue"))
    }
    guard case .contentLength(let length) = head.framing, length > 0 else {
      return .answer(ProxyError(.badRequest, .downstream, "consent needs a body with Content-Length"))
    }
    guard length <= Int64(min(Self.maxBodyBytes, view.bodyRoom)) else {
      return .answer(ProxyError(.bodyTooLarge, .downstream, "consent body too large"))
    }
    guard view.body.count >= Int(length) else { return .needBody(Int(length)) }
    let body = Array(view.body.prefix(Int(length)))
    let type =
      index.value(index.contentType, head, view.bytes).map { String(decoding: $0, as: UTF8.self) } ?? ""
    guard let categories = Self.categories(in: body, json: type.lowercased().contains("json")) else {
      return .answer(ProxyError(.badRequest, .downstream, "invalid consent body"))
    }
    let record = ConsentRecord(version: policy.settings.consentVersion, time: now, categories: categories)
    guard let cookie = policy.consentSetCookie(record) else {
      return .answer(ProxyError(.upstreamProtocol, .internal, "consent cookie"))
    }
    return .reply(
      LocalReply(
        status: 200, body: Self.json(record.categories, time: record.time, policy),
        headers: [("set-cookie", cookie)]))
  }

  /// The categories a POST body names (essential added), or nil when it is malformed or names an
  /// unknown category.
  static func categories(in body: [UInt8], json: Bool) -> CookieCategories? {
    if json {
      guard case .object(let members)? = try? JSONParser.parse(body, maxDepth: 3),
        case .array(let names)? = members["categories"]
      else { return nil }
      var set: CookieCategories = .essential
      for name in names {
        guard let text = name.stringValue, let category = CookiePolicySettings.Category(rawValue: text) else {
          return nil
        }
        set.insert(CookieCategories(category))
      }
      return set
    }
    switch CSRFPolicy.formField(named: "categories", in: body, limit: maxBodyBytes) {
    case .found(let value):
      return CookieCategories.parseList(Substring(String(decoding: value, as: UTF8.self)))
    case .absent:
      return .essential
    case .tooLarge, .malformed:
      return nil
    }
  }

  /// `{"version":1,"given":true,"time":…,"categories":["essential","analytics"]}`.
  static func json(_ categories: CookieCategories?, time: Int64?, _ policy: CookiePolicy) -> String {
    let list = (categories ?? .essential).categories.map { JSONString.quoted($0.rawValue) }
    var out = "{\"version\":\(policy.settings.consentVersion),\"given\":\(categories != nil)"
    if let time { out += ",\"time\":\(time)" }
    out += ",\"categories\":[\(list.joined(separator: ","))]}\n"
    return out
  }
}

extension CookiePolicy {
  /// The consent cookie for `record`: one year, `SameSite=Lax`, `HttpOnly`, `Secure` whenever the
  /// environment forces it (every profile but development, in the usual setup).
  func consentSetCookie(_ record: ConsentRecord) -> String? {
    try? SetCookie.build(
      name: settings.consentCookie, value: record.encoded(), path: "/", maxAge: ConsentRecord.lifetime,
      secure: settings.environment.forceSecure, httpOnly: true, sameSite: .lax)
  }
}
