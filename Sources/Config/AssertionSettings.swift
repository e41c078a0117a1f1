/// `[assertion]`: the signed identity assertion Gatehouse adds to every authenticated request
/// (README, "Passing identity on"). Immutable; the keys are secrets.
public struct AssertionSettings: Sendable, Equatable {
  /// The request header that carries the compact JWS (client-sent copies are always stripped).
  public let header: String
  public let issuer: String
  /// `aud`; nil: the upstream's address (`[upstream] address`).
  public let audience: String?
  /// The assertion's lifetime; it is signed again after half of it.
  public let ttl: Duration
  /// `ES256`, `RS256` or `EdDSA`; it must be the first key's algorithm.
  public let algorithm: String
  /// PEM private keys (`env:` / `file:`): the first signs, all are published. Empty: a key is
  /// generated at start (with a warning: replicas would publish different keys).
  public let keys: [Secret]
  /// Assertion claim → session attribute / JWT claim it is copied from, sorted by claim.
  public let claims: [(claim: String, source: String)]
  /// `Cache-Control: max-age` of `/.well-known/jwks.json`.
  public let jwksMaxAge: Duration
  /// Also serve the key set on the public listener at this exact path (nil: admin listener only).
  public let publicJWKSPath: String?

  public init(
    header: String = "X-Gatehouse-Assertion", issuer: String, audience: String? = nil,
    ttl: Duration = .seconds(300),
    algorithm: String = "ES256", keys: [Secret] = [], claims: [(claim: String, source: String)] = [],
    jwksMaxAge: Duration = .seconds(300), publicJWKSPath: String? = nil
  ) {
    self.publicJWKSPath = publicJWKSPath
    self.header = header
    self.issuer = issuer
    self.audience = audience
    self.ttl = ttl
    self.algorithm = algorithm
    self.keys = keys
    self.claims = claims
    self.jwksMaxAge = jwksMaxAge
  }

  public static func == (a: AssertionSettings, b: AssertionSettings) -> Bool {
    a.header == b.header && a.issuer == b.issuer && a.audience == b.audience && a.ttl == b.ttl
      && a.algorithm == b.algorithm && a.keys == b.keys && a.claims.map(\.claim) == b.claims.map(\.claim)
      && a.claims.map(\.source) == b.claims.map(\.source) && a.jwksMaxAge == b.jwksMaxAge
      && a.publicJWKSPath == b.publicJWKSPath
  }

  /// Names of the JWT claims the assertion reads from a token (besides the user claim).
  public var tokenClaims: [String] { ["sid", "jti"] + claims.map(\.source) }
}
