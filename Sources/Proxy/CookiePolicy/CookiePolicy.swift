import Config
import HTTP1

/// `[cookie_policy]` compiled for the request path, and its pure decision: what becomes of one
/// `Set-Cookie` the app sent, given the consent of the request (docs/cookies.md). Part of
/// `RuntimeConfig`. Immutable.
final class CookiePolicy: Sendable {
  /// The request header that tells the app the consent in force (a client's copy is stripped).
  static let consentHeader = "X-Cookie-Consent"

  let settings: CookiePolicySettings
  let consentCookieName: [UInt8]
  let reservedPrefix: [UInt8]
  /// `X-Cookie-Consent` values, indexed by `CookieCategories.rawValue` (built once: no
  /// allocation per request).
  let consentHeaderValues: [String]
  /// Categories named by at least one rule (a consent covering them all filters nothing).
  let ruledCategories: CookieCategories

  init(_ settings: CookiePolicySettings) {
    self.settings = settings
    consentCookieName = Array(settings.consentCookie.utf8)
    reservedPrefix = Array(settings.reservedPrefix.utf8)
    consentHeaderValues = (0..<CookieCategories.combinations).map {
      CookieCategories(rawValue: UInt8($0)).union(.essential).listText
    }
    ruledCategories = settings.rules.reduce(into: CookieCategories.essential) {
      $0.insert(CookieCategories($1.category))
    }
  }

  /// What the rules make of a cookie: its category (nil for a cookie no rule names) and the rule.
  func classify(_ name: String) -> (
    category: CookiePolicySettings.Category?, rule: CookiePolicySettings.Rule?
  ) {
    if let rule = settings.rule(for: name) { return (rule.category, rule) }
    switch settings.onUnknown {
    case .pass, .strip: return (nil, nil)
    case .essential: return (.essential, nil)
    }
  }

  /// Whether a cookie of this name may be sent to the app and set in the browser under `consent`.
  func allows(_ name: String, consent: CookieCategories) -> Bool {
    guard let category = classify(name).category else { return true }
    return consent.contains(CookieCategories(category))
  }

  /// The decision for one parsed `Set-Cookie` from the app. `now`: wall-clock seconds (the
  /// `max_age` cap on `Expires`).
  func decide(_ cookie: ParsedSetCookie, consent: CookieCategories, now: Int64) -> CookieDecision {
    let (category, rule) = classify(cookie.name)
    guard let category else {
      return settings.onUnknown == .strip ? .drop(nil, .unknown) : .keep(nil)
    }
    let rewritten = enforce(rule, on: cookie, now: now)
    guard consent.contains(CookieCategories(category)) else { return .drop(category, .noConsent(rewritten)) }
    return rewritten == cookie ? .keep(category) : .rewrite(category, rewritten)
  }

  /// The cookie with the rule's attributes and the environment's requirements applied. Order
  /// matters: the rule first, then what the environment forces, then what browsers require
  /// (SameSite=None and the name prefixes need Secure; `__Host-` needs Path=/ and no Domain),
  /// so nothing a rule says can produce a cookie a browser refuses.
  func enforce(_ rule: CookiePolicySettings.Rule?, on cookie: ParsedSetCookie, now: Int64) -> ParsedSetCookie
  {
    let environment = settings.environment
    var out = cookie
    if let rule {
      if let secure = rule.secure { out.secure = secure }
      if let httpOnly = rule.httpOnly { out.httpOnly = httpOnly }
      if let sameSite = rule.sameSite { out.sameSite = sameSite }
      if let path = rule.path { out.path = path }
      if let domain = rule.domain { out.domain = domain }
      if let cap = rule.maxAge {
        if let maxAge = out.maxAge, maxAge > cap { out.maxAge = cap }
        if let expires = out.expires, expires > now &+ cap { out.expires = now &+ cap }
      }
    }
    if let domain = out.domain, !environment.allows(domain: domain) { out.domain = nil }
    if environment.forceSecure || out.sameSite == SetCookie.SameSite.none { out.secure = true }
    let lower = out.name.lowercased()
    if lower.hasPrefix("__secure-") { out.secure = true }
    if lower.hasPrefix("__host-") {
      out.secure = true
      out.domain = nil
      out.path = "/"
    }
    return out
  }

  /// Whether a request path is under the reserved prefix (never forwarded to the app).
  func isReserved(_ path: UnsafeRawBufferPointer) -> Bool {
    path.count >= reservedPrefix.count
      && reservedPrefix.withUnsafeBytes {
        $0.elementsEqual(UnsafeRawBufferPointer(rebasing: path[0..<$0.count]))
      }
  }
}

/// What becomes of one `Set-Cookie` from the app.
enum CookieDecision: Equatable, Sendable {
  enum DropReason: Equatable, Sendable {
    /// Its category lacks consent; the cookie as the policy would have set it (a deletion
    /// must name the same path and domain).
    case noConsent(ParsedSetCookie)
    /// No rule names it and `on_unknown = "strip"`.
    case unknown
  }

  /// Forwarded as the app wrote it (category nil: no rule names it).
  case keep(CookiePolicySettings.Category?)
  /// Forwarded rewritten.
  case rewrite(CookiePolicySettings.Category, ParsedSetCookie)
  case drop(CookiePolicySettings.Category?, DropReason)
}
