public import HTTP1

/// `[cookie_policy]`: what Gatehouse does to the cookies the app sets (docs/cookies.md). One
/// environment profile is in force (`environment`, possibly `env:APP_ENV`); rules match cookie
/// names or globs in file order, the first match wins. Immutable.
public struct CookiePolicySettings: Sendable, Equatable {
  /// Consent categories. `essential` never needs consent.
  public enum Category: String, Sendable, Equatable, CaseIterable {
    case essential, functional, analytics, marketing
  }

  /// What happens to a cookie no rule names.
  public enum OnUnknown: String, Sendable, Equatable, CaseIterable {
    /// Forwarded as the app wrote it (still parsed: an unparsable one is dropped).
    case pass
    /// Dropped.
    case strip
    /// Treated as an essential cookie: the environment's rules (`force_secure`, the site's
    /// domains) apply.
    case essential
  }

  /// `[cookie_policy.environments.<name>]`.
  public struct Environment: Sendable, Equatable {
    public let name: String
    /// The site's registrable domain (lowercase): a `Domain` attribute must be it or under it.
    public let domain: String
    /// Every cookie gets `Secure` (and the consent cookie too).
    public let forceSecure: Bool
    /// Subdomains of `domain` a `Domain` attribute may name (`["www", "app"]`); empty: any.
    public let allowedSubdomains: [String]

    public init(name: String, domain: String, forceSecure: Bool = true, allowedSubdomains: [String] = []) {
      self.name = name
      self.domain = domain
      self.forceSecure = forceSecure
      self.allowedSubdomains = allowedSubdomains
    }

    /// Whether a `Domain` attribute (lowercase, no leading dot) stays within the site.
    public func allows(domain candidate: String) -> Bool {
      if candidate == domain { return true }
      guard candidate.hasSuffix("." + domain) else { return false }
      if allowedSubdomains.isEmpty { return true }
      let sub = candidate.dropLast(domain.count + 1)
      return allowedSubdomains.contains { $0 == sub }
    }
  }

  /// `[[cookie_policy.cookie]]`: the attributes to enforce on the cookies it names; nil leaves
  /// the app's choice.
  public struct Rule: Sendable, Equatable {
    public let pattern: CookieNamePattern
    public let category: Category
    public let secure: Bool?
    public let httpOnly: Bool?
    public let sameSite: SetCookie.SameSite?
    public let path: String?
    public let domain: String?
    /// A cap on the cookie's lifetime (seconds), applied to `Max-Age` and `Expires`.
    public let maxAge: Int64?

    public init(
      pattern: String, category: Category, secure: Bool? = nil, httpOnly: Bool? = nil,
      sameSite: SetCookie.SameSite? = nil, path: String? = nil, domain: String? = nil, maxAge: Int64? = nil
    ) {
      self.pattern = CookieNamePattern(pattern)
      self.category = category
      self.secure = secure
      self.httpOnly = httpOnly
      self.sameSite = sameSite
      self.path = path
      self.domain = domain
      self.maxAge = maxAge
    }
  }

  public static let defaultConsentCookie = "gatehouse_consent"
  public static let defaultReservedPrefix = "/.gatehouse/"

  /// The profile in force (the `environment` key, resolved).
  public let environment: Environment
  public let onUnknown: OnUnknown
  public let consentCookie: String
  /// A consent cookie of another version counts as no consent: bumping it asks again.
  public let consentVersion: Int
  /// Paths under this prefix are Gatehouse's (the consent endpoint is `<prefix>consent`) and
  /// never reach the app.
  public let reservedPrefix: String
  public let rules: [Rule]

  public init(
    environment: Environment, onUnknown: OnUnknown = .pass, consentCookie: String = defaultConsentCookie,
    consentVersion: Int = 1, reservedPrefix: String = defaultReservedPrefix, rules: [Rule] = []
  ) {
    self.environment = environment
    self.onUnknown = onUnknown
    self.consentCookie = consentCookie
    self.consentVersion = consentVersion
    self.reservedPrefix = reservedPrefix
    self.rules = rules
  }

  /// The consent endpoint's path.
  public var consentPath: String { reservedPrefix + "consent" }

  /// The first rule naming `name`, if any.
  public func rule(for name: String) -> Rule? { rules.first { $0.pattern.matches(name) } }
}
