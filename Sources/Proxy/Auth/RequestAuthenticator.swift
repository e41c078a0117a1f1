public import Config
public import HTTP1
public import JWT
public import Net

/// What the authentication phase shows an authenticator of a request: copies of the few fields
/// it needs, taken from the header index (`AuthRequest(_:_:route:)` in `AuthenticatePhase`), so a
/// request can wait for a JWKS fetch or a store reply without pinning the connection's read
/// buffer. Immutable.
public struct AuthRequest: Sendable {
  public let policy: AuthPolicy
  public let routeName: String
  public let method: HTTPMethod
  /// The `Authorization` field value, if exactly one was sent.
  public let authorization: [UInt8]?
  /// All `Cookie` field values joined with "; ".
  public let cookies: [UInt8]?
  public let clientIP: IPAddress
  public let userAgent: [UInt8]?
  public let host: [UInt8]?
  public let origin: [UInt8]?
  public let secFetchSite: [UInt8]?
  public let contentType: [UInt8]?
  public let accept: [UInt8]?
  public let path: String
  /// Path and query, for the login redirect's `next`.
  public let target: String
  /// The session cookie's value (sessions configured and exactly one such cookie).
  public let sessionCookie: [UInt8]?
  /// The CSRF header's value (sessions configured).
  public let csrfToken: [UInt8]?
  /// A form body read before authentication for the CSRF field (see `AuthenticatePhase`).
  public var formBody: [UInt8]?
  /// `X-Forwarded-Proto` from a trusted proxy, else nil (plain HTTP to Gatehouse).
  public let forwardedProto: [UInt8]?
  public let onUnauthenticated: UnauthenticatedAction
  /// A method override names an unsafe method (`MethodOverridePhase`): CSRF applies even to a
  /// safe method on the request line.
  public var methodOverrideUnsafe = false
  /// The values of `[session] bind_fingerprint`'s headers, in its order; empty when it is off.
  public var fingerprint: [[UInt8]?] = []
}

/// A successful authentication: what the upstream is told about the caller.
public struct AuthGrant: Sendable {
  /// Added to the upstream request (client-sent copies were already stripped).
  public var identityHeaders: [(String, String)]
  /// Added to the response to the client (e.g. `Set-Cookie` for a rotated session).
  public var responseHeaders: [(String, String)]
  public var method: StaticString
  /// A short hash of the principal for logs, never the principal's credential.
  public var principalHash: String?
  /// The session this request runs in, for the response phase (logout, elevate, login fixation).
  public var session: ActiveSession?
  /// Remove the client's `Authorization` from the upstream request (JWT `forward_authorization = false`).
  public var stripAuthorization: Bool
  /// The validated token of a JWT grant (its kept claims: `require`, the assertion).
  public var token: VerifiedToken?
  /// The token's verified-cache identity (the assertion cache's key for it).
  public var tokenHash: TokenHash?

  public init(
    identityHeaders: [(String, String)], responseHeaders: [(String, String)] = [], method: StaticString,
    principalHash: String?, session: ActiveSession? = nil, stripAuthorization: Bool = false,
    token: VerifiedToken? = nil, tokenHash: TokenHash? = nil
  ) {
    self.tokenHash = tokenHash
    self.token = token
    self.session = session
    self.stripAuthorization = stripAuthorization
    self.identityHeaders = identityHeaders
    self.responseHeaders = responseHeaders
    self.method = method
    self.principalHash = principalHash
  }
}

public enum AuthOutcome: Sendable {
  case allow(AuthGrant)
  /// Refused: the error decides the status; `headers` go on the answer (`WWW-Authenticate`,
  /// `Location` for a login redirect, a deletion `Set-Cookie`).
  case deny(ProxyError, headers: [(String, String)])
}

/// One authentication policy's implementation, owned by a worker. Loop-thread only.
public protocol RequestAuthenticator: AnyObject {
  /// Answers at once (a cache hit, a synchronous check), or returns nil after arranging for
  /// `resume` to be called later **on the same loop thread** (a key fetch, a store round trip).
  func authenticate(_ request: AuthRequest, resume: @escaping (AuthOutcome) -> Void) -> AuthOutcome?

  /// An answer from the request's `Authorization` value where it lies in the read buffer, asked
  /// before the `AuthRequest` copy is made: only for what costs a look-up (a repeated bearer
  /// token). Nil: `authenticate` decides. Never waits.
  func answerInPlace(authorization: UnsafeRawBufferPointer) -> AuthOutcome?
}

extension RequestAuthenticator {
  public func answerInPlace(authorization: UnsafeRawBufferPointer) -> AuthOutcome? { nil }
}
