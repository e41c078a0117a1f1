public import Config
public import HTTP1
public import JWT
public import Net
public import Sessions

/// What the authentication phase shows an authenticator of a request: copies of the few fields
/// it needs, taken from the header index (`AuthRequest(_:_:route:)` in `AuthenticatePhase`) into
/// one allocation (`CopiedFields`), so a request can wait for a JWKS fetch or a store reply
/// without pinning the connection's read buffer. The byte fields below are copies made when read
/// (cold paths); the hot path reads `fields.slice(_:)`, which copies nothing. Immutable.
public struct AuthRequest: Sendable {
  public let policy: AuthPolicy
  public let routeName: String
  public let method: HTTPMethod
  public let clientIP: IPAddress
  public let onUnauthenticated: UnauthenticatedAction
  /// The copied header fields, request target and session cookie.
  public let fields: CopiedFields
  /// A form body read before authentication for the CSRF field (see `AuthenticatePhase`).
  public var formBody: [UInt8]?
  /// A method override names an unsafe method (`MethodOverridePhase`): CSRF applies even to a
  /// safe method on the request line.
  public var methodOverrideUnsafe = false
  /// The values of `[session] bind_fingerprint`'s headers, in its order; empty when it is off.
  public var fingerprint: [[UInt8]?] = []
  /// The session cookie is the only pair of the client's `Cookie` fields
  /// (`CookieHeader.lookupNoting`): with it removed, the app receives no `Cookie` field.
  public internal(set) var sessionCookieAlone = false

  /// The `Authorization` field value, if exactly one was sent.
  public var authorization: [UInt8]? { fields.bytes(.authorization) }
  /// All `Cookie` field values joined with "; ".
  public var cookies: [UInt8]? { fields.bytes(.cookies) }
  public var userAgent: [UInt8]? { fields.bytes(.userAgent) }
  public var host: [UInt8]? { fields.bytes(.host) }
  public var origin: [UInt8]? { fields.bytes(.origin) }
  public var secFetchSite: [UInt8]? { fields.bytes(.secFetchSite) }
  public var contentType: [UInt8]? { fields.bytes(.contentType) }
  public var accept: [UInt8]? { fields.bytes(.accept) }
  public var path: String { fields.string(.path) ?? "" }
  /// Path and query, for the login redirect's `next`.
  public var target: String { fields.string(.target) ?? "" }
  /// The session cookie's value (sessions configured and exactly one such cookie).
  public var sessionCookie: [UInt8]? { fields.bytes(.sessionCookie) }
  /// The CSRF header's value (sessions configured).
  public var csrfToken: [UInt8]? { fields.bytes(.csrfToken) }
  /// `X-Forwarded-Proto` from a trusted proxy, else nil (plain HTTP to Gatehouse).
  public var forwardedProto: [UInt8]? { fields.bytes(.forwardedProto) }

  public init(
    policy: AuthPolicy, routeName: String, method: HTTPMethod, clientIP: IPAddress,
    onUnauthenticated: UnauthenticatedAction, fields: CopiedFields, methodOverrideUnsafe: Bool = false,
    fingerprint: [[UInt8]?] = [], sessionCookieAlone: Bool = false
  ) {
    self.policy = policy
    self.routeName = routeName
    self.method = method
    self.clientIP = clientIP
    self.onUnauthenticated = onUnauthenticated
    self.fields = fields
    self.methodOverrideUnsafe = methodOverrideUnsafe
    self.fingerprint = fingerprint
    self.sessionCookieAlone = sessionCookieAlone
  }

  /// Every field given as its own value (tests, requests made outside the pipeline).
  public init(
    policy: AuthPolicy, routeName: String, method: HTTPMethod, authorization: [UInt8]?, cookies: [UInt8]?,
    clientIP: IPAddress, userAgent: [UInt8]?, host: [UInt8]?, origin: [UInt8]?, secFetchSite: [UInt8]?,
    contentType: [UInt8]?, accept: [UInt8]?, path: String, target: String, sessionCookie: [UInt8]?,
    csrfToken: [UInt8]?, formBody: [UInt8]?, forwardedProto: [UInt8]?,
    onUnauthenticated: UnauthenticatedAction, methodOverrideUnsafe: Bool = false,
    fingerprint: [[UInt8]?] = []
  ) {
    let byField: [(CopiedFields.Field, [UInt8]?)] = [
      (.authorization, authorization), (.cookies, cookies), (.userAgent, userAgent), (.host, host),
      (.origin, origin), (.secFetchSite, secFetchSite), (.contentType, contentType), (.accept, accept),
      (.path, Array(path.utf8)), (.target, Array(target.utf8)), (.sessionCookie, sessionCookie),
      (.csrfToken, csrfToken), (.forwardedProto, forwardedProto),
    ]
    let fields = CopiedFields { writer in
      for (field, value) in byField {
        value?.withUnsafeBytes { writer.set(field, $0) }
      }
    }
    self.init(
      policy: policy, routeName: routeName, method: method, clientIP: clientIP,
      onUnauthenticated: onUnauthenticated, fields: fields, methodOverrideUnsafe: methodOverrideUnsafe)
    self.formBody = formBody
    self.fingerprint = fingerprint
  }
}

/// A successful authentication: what the upstream is told about the caller.
public struct AuthGrant: Sendable {
  /// Added to the upstream request (client-sent copies were already stripped).
  public var identityHeaders: [(String, String)]
  /// A session's identity headers as rendered bytes, written after `identityHeaders`.
  public var identityLines: IdentityLines?
  /// Added to the response to the client (e.g. `Set-Cookie` for a rotated session).
  public var responseHeaders: [(String, String)]
  public var method: StaticString
  /// A short hash of the principal for logs, never the principal's credential.
  public var principal: PrincipalHash?
  /// `principal` as text (rendered now, if it was not yet).
  public var principalHash: String? { principal?.text }
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
    token: VerifiedToken? = nil, tokenHash: TokenHash? = nil, identityLines: IdentityLines? = nil
  ) {
    self.init(
      identityHeaders: identityHeaders, responseHeaders: responseHeaders, method: method,
      principal: principalHash.map { PrincipalHash($0) }, session: session,
      stripAuthorization: stripAuthorization,
      token: token, tokenHash: tokenHash, identityLines: identityLines)
  }

  public init(
    identityHeaders: [(String, String)], responseHeaders: [(String, String)] = [], method: StaticString,
    principal: PrincipalHash?, session: ActiveSession? = nil, stripAuthorization: Bool = false,
    token: VerifiedToken? = nil, tokenHash: TokenHash? = nil, identityLines: IdentityLines? = nil
  ) {
    self.identityLines = identityLines
    self.tokenHash = tokenHash
    self.token = token
    self.session = session
    self.stripAuthorization = stripAuthorization
    self.identityHeaders = identityHeaders
    self.responseHeaders = responseHeaders
    self.method = method
    self.principal = principal
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

  /// The same, with the resume closure made only when the answer is late (`AuthResume`); by
  /// default made at once.
  func authenticate(_ request: AuthRequest, later: AuthResume) -> AuthOutcome?

  /// An answer from the request's `Authorization` value where it lies in the read buffer, asked
  /// before the `AuthRequest` copy is made: only for what costs a look-up (a repeated bearer
  /// token). Nil: `authenticate` decides. Never waits.
  func answerInPlace(authorization: UnsafeRawBufferPointer) -> AuthOutcome?
}

extension RequestAuthenticator {
  public func authenticate(_ request: AuthRequest, later: AuthResume) -> AuthOutcome? {
    authenticate(request, resume: later.closure())
  }

  public func answerInPlace(authorization: UnsafeRawBufferPointer) -> AuthOutcome? { nil }
}
