import Codecs
import Crypto
import EventLoop
import JWT

/// `auth = "jwt"`: a bearer token from `Authorization` (or the configured cookie), validated
/// against its issuer's current key set, with the process-wide verified-token cache in front of
/// RSA. One per worker; loop-thread only (the shared parts are thread-safe).
///
/// An unknown `kid` (or an issuer with no keys yet) asks the issuer for a refetch: when one is
/// allowed or already running, the request suspends and is validated again — once, without a
/// second refetch — on this loop when the fetch ends; when rate-limited it fails at once (401
/// `unknown_kid`), so a flood of made-up kids never reaches the issuer more than once per
/// `refetch_interval`.
final class JWTAuthenticator: RequestAuthenticator {
  let runtime: JWTRuntime
  let loop: EventLoop
  /// `method="jwt"` validation durations (nil: not measured).
  let durations: ValidationDurations?
  /// This worker's session authenticator: tokens of an issuer with `session_claim` are checked
  /// against its sessions (nil without `[session]`).
  let sessions: SessionAuthenticator?
  /// This worker's recent grants by token bytes, in front of the shared verified-token cache.
  let repeated = RepeatedTokenCache()
  /// This worker's RSA scratch numbers: a new RS256 token's verification allocates nothing.
  let workspace = RSAVerifyWorkspace()

  init(
    runtime: JWTRuntime, loop: EventLoop, durations: ValidationDurations? = nil,
    sessions: SessionAuthenticator? = nil
  ) {
    self.runtime = runtime
    self.loop = loop
    self.durations = durations
    self.sessions = sessions
  }

  /// Times answers given at once (a request that waits for a key fetch is not timed: wrapping
  /// its `resume` would cost every request an allocation).
  func authenticate(_ request: AuthRequest, resume: @escaping (AuthOutcome) -> Void) -> AuthOutcome? {
    guard let durations else { return authenticateNow(request, resume: resume) }
    let clock = runtime.fetcher.clock
    let started = clock.monotonicNanos()
    let outcome = authenticateNow(request, resume: resume)
    if let outcome {
      if case .allow = outcome {
        durations.record(valid: true, nanos: clock.monotonicNanos() &- started)
      } else {
        durations.record(valid: false, nanos: clock.monotonicNanos() &- started)
      }
    }
    return outcome
  }

  /// A repeated bearer token, from the `Authorization` bytes in the read buffer (no
  /// `AuthRequest` copy); timed as `authenticate` times its answers.
  func answerInPlace(authorization: UnsafeRawBufferPointer) -> AuthOutcome? {
    let value = authorization.assumingMemoryBound(to: UInt8.self)
    guard let durations else { return repeatedBearer(value) }
    let clock = runtime.fetcher.clock
    let started = clock.monotonicNanos()
    guard let outcome = repeatedBearer(value) else { return nil }
    durations.record(valid: true, nanos: clock.monotonicNanos() &- started)
    return outcome
  }

  private func authenticateNow(_ request: AuthRequest, resume: @escaping (AuthOutcome) -> Void)
    -> AuthOutcome?
  {
    // The token is validated in place (a view into the field value); only a request that has to
    // wait for a refetch copies it.
    if let authorization = request.authorization {
      if let outcome = authorization.withUnsafeBufferPointer({ repeatedBearer($0) }) { return outcome }
      // `Bearer ` and a token: the token goes to the validator without a token68 walk — the
      // validator accepts only base64url parts and dots (token68 characters), so a field that is
      // not `Bearer <token68>` is refused there as `malformed` all the same.
      if let start = authorization.withUnsafeBufferPointer({ BearerToken.tokenStart($0) }) {
        return authorization.withUnsafeBufferPointer {
          validate(UnsafeBufferPointer(rebasing: $0[start...]), resume: resume, mayRefetch: true)
        }
      }
      switch BearerToken.fromAuthorization(authorization) {
      case .token(let range):
        return authorization.withUnsafeBufferPointer {
          validate(UnsafeBufferPointer(rebasing: $0[range]), resume: resume, mayRefetch: true)
        }
      case .malformed:
        return deny(AuthError(.malformed, "Authorization is not `Bearer <token>`"))
      case .absent: break
      }
    }
    if let name = runtime.tokenCookie, let cookies = request.cookies,
      let range = BearerToken.fromCookies(cookies, name: name)
    {
      return cookies.withUnsafeBufferPointer {
        validate(UnsafeBufferPointer(rebasing: $0[range]), resume: resume, mayRefetch: true)
      }
    }
    runtime.counters.failed("missing_token")
    return .deny(
      ProxyError(.unauthorized, .downstream, "jwt missing_token"), headers: [("WWW-Authenticate", "Bearer")])
  }

  /// Validates `token`; nil when the request now waits (for a fetch when `mayRefetch`, or for
  /// the session store: `session_claim`) and `resume` will be called.
  private func validate(
    _ token: UnsafeBufferPointer<UInt8>, resume: @escaping (AuthOutcome) -> Void, mayRefetch: Bool
  ) -> AuthOutcome? {
    guard token.count <= runtime.maxTokenBytes else {
      return deny(AuthError(.tokenTooLarge, "token of \(token.count) bytes"))
    }
    if let outcome = repeatedGrant(token) { return outcome }
    let issuer: JWTIssuerState
    if runtime.byIssuer.count == 1 {
      // The validator compares `iss` itself; no need to decode the payload twice.
      issuer = runtime.fetcher.issuers[0]
    } else {
      switch JWTAuthenticator.unverifiedIssuer(Array(token)) {
      case .failure(let error): return deny(error)
      case .success(let iss):
        guard let found = runtime.byIssuer[iss] else {
          return deny(AuthError(.issuerMismatch, "iss is not a configured issuer"))
        }
        issuer = found
      }
    }
    let nowMs = runtime.fetcher.nowMs()
    guard let keys = issuer.keys(nowMs: nowMs) else {
      // Only a well-formed token may wait for (and start) a fetch.
      guard BearerToken.isToken68(token) else {
        return deny(AuthError(.malformed, "the token is not token68"))
      }
      return refetchOrDeny(
        AuthError(.noKeys, "the issuer's key set is not loaded"), issuer, token, sawGeneration: nil,
        mayRefetch: mayRefetch, resume: resume, nowMs: nowMs)
    }
    let now = runtime.fetcher.clock.wallNanos() / 1_000_000_000
    // One SHA-256 pass over the signing input: the cache key (beside the signature, compared in
    // full), and the digest RS256 verifies.
    let digests = TokenDigests(token: token)
    let hash = digests.tokenHash
    let signature = digests.unhashed(token)
    if let hit = runtime.cache.lookup(
      tokenHash: hash, signature: signature, now: now, generation: keys.generation)
    {
      runtime.counters.cacheHits.wrappingAdd(1, ordering: .relaxed)
      return finish(token, hit, issuer, keys, hash: hash, resume: resume)
    }
    runtime.counters.cacheMisses.wrappingAdd(1, ordering: .relaxed)
    switch JWTValidator.validate(
      token: token, keys: keys, settings: issuer.settings, now: now, claims: issuer.keptClaims,
      digests: digests, workspace: workspace)
    {
    case .success(let verified):
      runtime.cache.insert(
        tokenHash: hash, signature: signature, token: verified, generation: keys.generation, now: now)
      return finish(token, verified, issuer, keys, hash: hash, resume: resume)
    case .failure(let error):
      guard error.kind == .unknownKid else { return deny(error) }
      return refetchOrDeny(
        error, issuer, token, sawGeneration: keys.generation, mayRefetch: mayRefetch, resume: resume,
        nowMs: nowMs)
    }
  }

  /// A repeated `Authorization: Bearer` token, answered before the field's syntax is checked
  /// (`BearerToken.fromAuthorization` walks every byte): the cache holds only granted tokens,
  /// whose bytes passed that check and the validator's strict base64url then, and it answers
  /// only for exactly the same bytes. Nil: not a token seen lately — the full path decides.
  /// Inlined, as `repeatedGrant`: the answer is a large value, copied (`memcpy`) at each return.
  @inline(__always)
  private func repeatedBearer(_ authorization: UnsafeBufferPointer<UInt8>) -> AuthOutcome? {
    guard let start = BearerToken.tokenStart(authorization) else { return nil }
    return repeatedGrant(UnsafeBufferPointer(rebasing: authorization[start...]))
  }

  /// The grant this worker gave `token` lately, while its issuer still has the key set it
  /// verified under (`KeySetStamp`, no lock) and the token has not expired
  /// (`RepeatedTokenCache`); the counters move as for a hit in the shared cache.
  @inline(__always)
  private func repeatedGrant(_ token: UnsafeBufferPointer<UInt8>) -> AuthOutcome? {
    guard let entry = repeated.lookup(token) else { return nil }
    let now = runtime.fetcher.clock.wallNanos() / 1_000_000_000
    guard now <= entry.expiresAt,
      entry.issuer.stamp.isCurrent(entry.generation, nowMs: runtime.fetcher.nowMs())
    else {
      repeated.remove(entry)
      return nil
    }
    runtime.counters.cacheHits.wrappingAdd(1, ordering: .relaxed)
    runtime.counters.validOK.wrappingAdd(1, ordering: .relaxed)
    return entry.outcome
  }

  /// Keeps a grant for the next request with the same token bytes (`repeatedGrant`).
  private func remember(
    _ token: UnsafeBufferPointer<UInt8>, _ outcome: AuthOutcome, _ issuer: JWTIssuerState, _ keys: KeySet,
    expiresAt: Int64
  ) -> AuthOutcome {
    if case .allow(let grant) = outcome {
      repeated.insert(token, issuer: issuer, generation: keys.generation, expiresAt: expiresAt, grant: grant)
    }
    return outcome
  }

  /// Queues a refetch (or joins the running fetch); true when `resume` will be called.
  /// A request that found no usable key for `token` (no keys, or an unknown `kid` under the set
  /// of generation `sawGeneration`): it waits for a refetch (nil: `resume` will be called),
  /// validates again at once when a fetch finished meanwhile, or is denied with `error` when a
  /// refetch is rate-limited or was already tried (`mayRefetch` false).
  private func refetchOrDeny(
    _ error: AuthError, _ issuer: JWTIssuerState, _ token: UnsafeBufferPointer<UInt8>, sawGeneration: UInt64?,
    mayRefetch: Bool, resume: @escaping (AuthOutcome) -> Void, nowMs: Int64
  ) -> AuthOutcome? {
    guard mayRefetch else { return deny(error) }
    let box = LoopBound(authenticator: self, resume: resume)
    let loop = self.loop
    let bytes = Array(token)
    switch issuer.requestRefetch(
      nowMs: nowMs, sawGeneration: sawGeneration,
      waiter: {
        loop.execute {
          let outcome = bytes.withUnsafeBufferPointer {
            box.authenticator.validate($0, resume: box.resume, mayRefetch: false)
          }
          // mayRefetch false: nil only while a session_claim lookup waits (it resumes itself).
          if let outcome { box.resume(outcome) }
        }
      })
    {
    case .waiting(let started):
      if started { runtime.fetcher.wake() }
      return nil
    case .retryNow:
      return validate(token, resume: resume, mayRefetch: false)
    case .refused:
      return deny(error)
    }
  }

  /// The grant for a valid token (remembered for the next request with the same bytes), or —
  /// for a token tied to a session (`session_claim`) — the grant once that session is found
  /// alive (nil: `resume` gets the answer). A session-tied token is never remembered: its
  /// session is asked on every request, so a revocation ends it at once.
  private func finish(
    _ bytes: UnsafeBufferPointer<UInt8>, _ token: VerifiedToken, _ issuer: JWTIssuerState, _ keys: KeySet,
    hash: TokenHash, resume: @escaping (AuthOutcome) -> Void
  ) -> AuthOutcome? {
    if let claim = issuer.config.sessionClaim, let value = token.claims[claim] {
      return checkSession(value, of: token, issuer, hash: hash, resume: resume)
    }
    return remember(bytes, grant(token, issuer, hash: hash), issuer, keys, expiresAt: token.expiresAt)
  }

  func grant(_ token: VerifiedToken, _ issuer: JWTIssuerState, hash: TokenHash) -> AuthOutcome {
    let config = issuer.config
    guard let userValue = token.claims[config.userClaim], let user = ClaimHeaderValue.scalar(userValue)
    else {
      return deny(AuthError(.missingClaim, "user claim \(config.userClaim) missing or not a plain scalar"))
    }
    guard IdentityValue.isSafe(user) else {
      return deny(AuthError(.claimMismatch, "user claim \(config.userClaim) is not a single identity value"))
    }
    var claimHeaders: [(String, String)] = []
    for (claim, header) in config.claimHeaders {
      if let value = token.claims[claim], let text = ClaimHeaderValue.text(value) {
        claimHeaders.append((header, text))
      }
    }
    runtime.counters.validOK.wrappingAdd(1, ordering: .relaxed)
    return .allow(
      AuthGrant(
        identityHeaders: [], method: "jwt",
        principal: .jwt(issuer: token.issuer, user: user),
        stripAuthorization: !config.forwardAuthorization, token: token, tokenHash: hash,
        identityLines: BearerIdentity.lines(user: user, claimHeaders: claimHeaders)))
  }

  func deny(_ error: AuthError) -> AuthOutcome {
    let code = JWTAuthenticator.code(error.kind)
    runtime.counters.failed(code)
    let forbidden = error.kind.isForbidden
    let challenge =
      forbidden
      ? "Bearer error=\"insufficient_scope\", error_description=\"\(code)\""
      : "Bearer error=\"invalid_token\", error_description=\"\(code)\""
    return .deny(
      ProxyError(forbidden ? .forbidden : .unauthorized, .downstream, "jwt \(code): \(error.detail)"),
      headers: [("WWW-Authenticate", challenge)])
  }

  /// First 16 hex digits of SHA-256(iss NUL user): identifies the principal in logs without naming it.
  static func principalHash(_ issuer: String, _ user: String) -> String {
    var input: [UInt8] = []
    input.reserveCapacity(issuer.utf8.count + 1 + user.utf8.count)
    input.append(contentsOf: issuer.utf8)
    input.append(0)
    input.append(contentsOf: user.utf8)
    return Hex.encode(SHA256.hash(input).prefix(8))
  }

  /// The `iss` of a token whose signature is not checked yet — only to pick the issuer.
  static func unverifiedIssuer(_ token: [UInt8]) -> Result<String, AuthError> {
    guard let first = token.firstIndex(of: UInt8(ascii: ".")),
      let second = token[(first + 1)...].firstIndex(of: UInt8(ascii: "."))
    else { return .failure(AuthError(.malformed, "not a compact JWS")) }
    guard let payload = Base64URL.decode(Array(token[(first + 1)..<second])),
      let claims = try? JSONParser.parse(payload)
    else { return .failure(AuthError(.malformed, "payload is not base64url JSON")) }
    guard let iss = claims["iss"]?.stringValue else {
      return .failure(AuthError(.missingClaim, "iss missing"))
    }
    return .success(iss)
  }

  /// snake_case of an `AuthError.Kind` for `error_description`, logs and metrics labels.
  static func code(_ kind: AuthError.Kind) -> String {
    var out = ""
    for character in kind.rawValue {
      if character.isUppercase {
        out += "_" + character.lowercased()
      } else {
        out.append(character)
      }
    }
    return out
  }
}

/// Carries loop-thread-only objects through the fetcher thread back to their loop, where alone
/// they are used (`EventLoop.execute`). Never touched on the fetcher thread.
private struct LoopBound: @unchecked Sendable {
  let authenticator: JWTAuthenticator
  let resume: (AuthOutcome) -> Void
}
