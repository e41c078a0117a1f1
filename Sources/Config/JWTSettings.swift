/// `[jwt]` and its `[[jwt.issuer]]` tables: the issuers whose tokens routes with
/// `auth = "jwt"` accept. Immutable.
public struct JWTSettings: Sendable, Equatable {
  /// Cookie the token may also come in ("" = only `Authorization: Bearer`).
  public let tokenCookie: String
  /// Entries of the process-wide verified-token cache.
  public let cacheSize: Int
  /// In file order; a token picks its issuer by exact `iss`.
  public let issuers: [JWTIssuerConfig]
  /// Claims other parts of the configuration read from a validated token (routes' `require`
  /// rules, the assertion's claims), decoded besides each issuer's own (`ClaimSelection`).
  public let extraClaims: [String]

  public init(
    tokenCookie: String = "", cacheSize: Int = 10_000, issuers: [JWTIssuerConfig] = [],
    extraClaims: [String] = []
  ) {
    self.tokenCookie = tokenCookie
    self.cacheSize = cacheSize
    self.issuers = issuers
    var unique: [String] = []
    for name in extraClaims where !unique.contains(name) { unique.append(name) }
    self.extraClaims = unique
  }

  /// The same settings also keeping `claims`.
  public func keeping(_ claims: [String]) -> JWTSettings {
    JWTSettings(
      tokenCookie: tokenCookie, cacheSize: cacheSize, issuers: issuers, extraClaims: extraClaims + claims)
  }

  /// Header names the JWT step sets on upstream requests, so client-sent copies must be stripped.
  public var identityHeaderNames: [String] {
    guard !issuers.isEmpty else { return [] }
    var names = ["X-User-Id", "X-Auth-Method"]
    for issuer in issuers {
      for (_, header) in issuer.claimHeaders
      where !names.contains(where: { $0.lowercased() == header.lowercased() }) {
        names.append(header)
      }
    }
    return names
  }
}
