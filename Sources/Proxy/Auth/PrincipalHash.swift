/// A short hash naming an authenticated principal in logs without naming it — never the
/// principal's credential. A session's comes ready (its ticket's user tag); a JWT grant's is
/// rendered only when something reads it (`text`): the SHA-256 and hex of `iss NUL user` cost a
/// new token ~5,700 instructions, and with the access log off nothing reads it
/// (docs/performance.md, "JWT, round 4"). Immutable.
public struct PrincipalHash: Sendable, Equatable, ExpressibleByStringLiteral {
  /// One reference either way: a grant is copied a few times per request (out of the repeated-
  /// token cache, into the request context), and a case holding two `String`s made each copy
  /// retain both (~800 instructions per repeated token).
  private enum Source: Sendable {
    case text(String)
    case jwt(JWTPrincipal)
  }

  /// The issuer and user of a JWT grant. Immutable.
  private final class JWTPrincipal: Sendable {
    let issuer: String
    let user: String

    init(issuer: String, user: String) {
      self.issuer = issuer
      self.user = user
    }
  }

  private let source: Source

  public init(_ text: String) { source = .text(text) }

  public init(stringLiteral text: String) { source = .text(text) }

  /// A JWT principal: `JWTAuthenticator.principalHash(issuer, user)` when read.
  static func jwt(issuer: String, user: String) -> PrincipalHash {
    PrincipalHash(source: .jwt(JWTPrincipal(issuer: issuer, user: user)))
  }

  private init(source: Source) { self.source = source }

  /// The hash as logged.
  public var text: String {
    switch source {
    case .text(let text): text
    case .jwt(let principal): JWTAuthenticator.principalHash(principal.issuer, principal.user)
    }
  }

  public static func == (a: PrincipalHash, b: PrincipalHash) -> Bool { a.text == b.text }
}
