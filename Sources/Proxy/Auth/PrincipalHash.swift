/// A short hash naming an authenticated principal in logs without naming it — never the
/// principal's credential. A session's comes ready (its ticket's user tag); a JWT grant's is
/// rendered only when something reads it (`text`): the SHA-256 and hex of `iss NUL user` cost a
/// new token ~5,700 instructions, and with the access log off nothing reads it
/// (docs/performance.md, "JWT, round 4"). Immutable.
public struct PrincipalHash: Sendable, Equatable, ExpressibleByStringLiteral {
  private enum Source: Sendable, Equatable {
    case text(String)
    case issuerAndUser(String, String)
  }

  private let source: Source

  public init(_ text: String) { source = .text(text) }

  public init(stringLiteral text: String) { source = .text(text) }

  /// A JWT principal: `JWTAuthenticator.principalHash(issuer, user)` when read.
  static func jwt(issuer: String, user: String) -> PrincipalHash {
    PrincipalHash(source: .issuerAndUser(issuer, user))
  }

  private init(source: Source) { self.source = source }

  /// The hash as logged.
  public var text: String {
    switch source {
    case .text(let text): text
    case .issuerAndUser(let issuer, let user): JWTAuthenticator.principalHash(issuer, user)
    }
  }

  public static func == (a: PrincipalHash, b: PrincipalHash) -> Bool { a.text == b.text }
}
