public import JWT

/// One `[[jwt.issuer]]`: who signs, where its keys come from and what the proxy does with a
/// valid token. Validated by the loader (so `issuerSettings` cannot fail). Immutable.
public struct JWTIssuerConfig: Sendable, Equatable {
  public let issuer: String
  public let audiences: [String]
  public let source: JWKSSource
  public let algorithms: [String]
  public let leeway: Duration
  public let refreshInterval: Duration
  public let refetchInterval: Duration
  public let maxStale: Duration
  public let userClaim: String
  /// Claim name → header name, in file order (sorted by claim for inline tables).
  public let claimHeaders: [(claim: String, header: String)]
  public let forwardAuthorization: Bool
  /// Claim → required value; nil = must only be present.
  public let requiredClaims: [String: JSONValue?]
  public let caFile: String?
  public let allowInsecureHTTP: Bool
  public let fetchTimeout: Duration
  public let maxJWKSBytes: Int
  public let maxKeys: Int
  public let maxTokenBytes: Int
  /// A token carrying this claim (a Gatehouse session hash) is accepted only while that session
  /// lives (`session_claim`); nil: tokens are not tied to sessions.
  public let sessionClaim: String?

  public init(
    issuer: String, audiences: [String], source: JWKSSource, algorithms: [String] = ["RS256"],
    leeway: Duration = .seconds(30), refreshInterval: Duration = .seconds(600),
    refetchInterval: Duration = .seconds(30), maxStale: Duration = .seconds(86400), userClaim: String = "sub",
    claimHeaders: [(claim: String, header: String)] = [], forwardAuthorization: Bool = true,
    requiredClaims: [String: JSONValue?] = [:], caFile: String? = nil, allowInsecureHTTP: Bool = false,
    fetchTimeout: Duration = .seconds(5), maxJWKSBytes: Int = 256 * 1024, maxKeys: Int = 100,
    maxTokenBytes: Int = 8192, sessionClaim: String? = nil
  ) {
    self.sessionClaim = sessionClaim
    self.issuer = issuer
    self.audiences = audiences
    self.source = source
    self.algorithms = algorithms
    self.leeway = leeway
    self.refreshInterval = refreshInterval
    self.refetchInterval = refetchInterval
    self.maxStale = maxStale
    self.userClaim = userClaim
    self.claimHeaders = claimHeaders
    self.forwardAuthorization = forwardAuthorization
    self.requiredClaims = requiredClaims
    self.caFile = caFile
    self.allowInsecureHTTP = allowInsecureHTTP
    self.fetchTimeout = fetchTimeout
    self.maxJWKSBytes = maxJWKSBytes
    self.maxKeys = maxKeys
    self.maxTokenBytes = maxTokenBytes
  }

  public static func == (a: JWTIssuerConfig, b: JWTIssuerConfig) -> Bool {
    a.issuer == b.issuer && a.audiences == b.audiences && a.source == b.source && a.algorithms == b.algorithms
      && a.leeway == b.leeway && a.refreshInterval == b.refreshInterval
      && a.refetchInterval == b.refetchInterval
      && a.maxStale == b.maxStale && a.userClaim == b.userClaim
      && a.claimHeaders.map(\.claim) == b.claimHeaders.map(\.claim)
      && a.claimHeaders.map(\.header) == b.claimHeaders.map(\.header)
      && a.forwardAuthorization == b.forwardAuthorization && a.requiredClaims == b.requiredClaims
      && a.caFile == b.caFile && a.allowInsecureHTTP == b.allowInsecureHTTP
      && a.fetchTimeout == b.fetchTimeout
      && a.maxJWKSBytes == b.maxJWKSBytes && a.maxKeys == b.maxKeys && a.maxTokenBytes == b.maxTokenBytes
      && a.sessionClaim == b.sessionClaim
  }

  /// The validator's view. The loader already built one from the same values, so this cannot fail.
  public func issuerSettings() -> IssuerSettings {
    // swift-format-ignore: NeverUseForceTry
    try! IssuerSettings(
      issuer: issuer, audiences: audiences, algorithms: algorithms, leeway: leeway.components.seconds,
      requiredClaims: requiredClaims, maxTokenBytes: maxTokenBytes)
  }

  /// The JWKS state machine's settings (milliseconds).
  public func cacheSettings() -> JWKSCache.Settings {
    func ms(_ d: Duration) -> Int64 { Int64(d.nanoseconds / 1_000_000) }
    let refresh = ms(refreshInterval)
    return JWKSCache.Settings(
      refreshInterval: refresh, minRefresh: min(60_000, refresh), maxRefresh: max(86_400_000, refresh),
      maxStale: ms(maxStale), refetchInterval: ms(refetchInterval),
      limits: JWKSet.Limits(maxKeys: maxKeys, maxBodyBytes: maxJWKSBytes))
  }
}
