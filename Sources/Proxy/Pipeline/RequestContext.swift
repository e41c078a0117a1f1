import Codecs
import EventLoop
import HTTP1
import JWT
import Net
import Sessions

/// Everything Gatehouse knows about one request, carried through the phases and logged once at
/// the end: what each phase decided, what a waiting phase was answered, what happened to the
/// request. The exchange starts a fresh one for each request. Loop-thread only.
struct RequestContext {
  /// The configuration this request runs under (a reload affects the requests after it).
  var runtime: RuntimeConfig
  var active = false

  // Timing (loop time, ns; the start also as wall time for the log).
  var startNanos: UInt64 = 0
  var startWallNanos: Int64 = 0
  var upstreamStartNanos: UInt64 = 0
  var upstreamHeadNanos: UInt64 = 0

  // The request as received.
  var method: HTTPMethod = .get
  /// The request line said HTTP/1.0 (no interim responses for it).
  var clientHTTP10 = false
  var methodText: String = ""
  var pathText: String = ""
  /// The peer's address text (shared with the connection: no copy per request).
  var peerText: [UInt8] = []
  var clientIP: String { String(decoding: peerText, as: UTF8.self) }
  /// The peer's address (the source security events are rate-limited by).
  var peerIP: IPAddress = .v4(0)
  /// The peer is one of `trusted_proxies`: its `X-Forwarded-*` fields are believed.
  var peerTrusted = false

  // strip: every field's role, and where the fields the phases read are.
  var headers = HeaderIndex()
  /// Spoofable identity headers removed from the request the upstream received.
  var strippedHeaders = 0

  // trace
  var traceHigh: UInt64 = 0
  var traceLow: UInt64 = 0
  var spanID: UInt64 = 0
  var traceFlags: UInt8 = 0
  var traceParentValid = false
  /// The client's span (a continued trace), 0 when this proxy started the trace.
  var parentSpanID: UInt64 = 0
  /// Monotonic ns around authentication, measured only for sampled requests whose spans are
  /// exported (the `validate_session` / `validate_jwt` child span); 0 otherwise.
  var authStartNanos: UInt64 = 0
  var authEndNanos: UInt64 = 0
  /// The X-Request-Id the client sent, when it was well-formed; otherwise `generatedRequestID`.
  var clientRequestID: [UInt8]? = nil
  var generatedRequestID: (UInt64, UInt64) = (0, 0)

  // methodOverride
  /// A method-override header or parameter names an unsafe method: CSRF applies.
  var methodOverrideUnsafe = false

  // consent
  /// The categories the visitor consented to (`.essential` alone without a valid consent
  /// cookie, or without `[cookie_policy]`).
  var consent: CookieCategories = .essential
  /// Cookies the browser presented whose category lacks consent (withheld from the app); the
  /// response phase deletes one the app sets again. Empty for nearly every request.
  var withheldCookies: [String] = []

  // route
  var routeIndex: Int = -1

  // authenticate
  /// The request as authenticators and the session lifecycle see it (kept for the response
  /// phases when sessions are configured).
  var authRequest: AuthRequest? {
    get { sessionState?.authRequest }
    set { stateForSessions(newValue != nil)?.authRequest = newValue }
  }
  /// Storage for this request's `AuthRequest` fields that the connection's previous request
  /// left (empty if none): taken, so it is used once.
  func takeSpareFields() -> [UInt8] {
    guard let state = sessionState, !state.spareFields.isEmpty else { return [] }
    defer { state.spareFields = [] }
    return state.spareFields
  }
  var authentication: AuthenticationProgress = .notStarted
  var authMethod: StaticString = "none"
  var principalHash: PrincipalHash? = nil
  /// Set by an `AuthGrant`: drop `Authorization` from the upstream request.
  var stripAuthorization = false
  /// The session cookie is the only pair of the client's `Cookie` fields
  /// (`AuthRequest.sessionCookieAlone`): removing it leaves no `Cookie` field, so the upstream
  /// request does not scan the fields again.
  var sessionCookieAlone = false
  /// Identity headers for the upstream request (client-sent copies were stripped).
  var identityHeaders: [(String, String)] = []
  /// A session's identity headers as rendered bytes (after `identityHeaders`).
  var identityLines: IdentityLines? = nil
  /// The signed assertion's header line (`name: value\r\n`), written after the identity headers.
  var assertionLine: [UInt8]? = nil
  /// Headers for the response to the client (a rotated session's cookie; the lifecycle's).
  var responseHeaders: [(String, String)] = []
  /// The session the request runs in, after authentication.
  var session: ActiveSession? {
    get { sessionState?.session }
    set { stateForSessions(newValue != nil)?.session = newValue }
  }
  private var sessionState: SessionRequestState? = nil
  /// The validated token of a JWT request (its kept claims), after authentication.
  var token: VerifiedToken? = nil
  var tokenHash: TokenHash? = nil

  /// The session state, made when a value is to be stored (`creating`); nil when there is none
  /// and nothing to store.
  private mutating func stateForSessions(_ creating: Bool) -> SessionRequestState? {
    if sessionState == nil && creating { sessionState = SessionRequestState() }
    return sessionState
  }

  /// Changes to the `Cookie` header the app receives (removed and added cookies), applied by
  /// the upstream-request phase.
  var upstreamCookies = UpstreamCookieEdit()

  // loginDetect
  /// A request `[session.detect]` recognised as a login or logout (`.none` for every other).
  var loginDetect: LoginDetectProgress {
    get { sessionState?.loginDetect ?? .none }
    set { stateForSessions(newValue != .none)?.loginDetect = newValue }
  }

  // vaultCapture
  /// What the app's response did to vaulted cookies (empty for nearly every response); the
  /// lifecycle phase writes it into the session record.
  var vaultChanges: [VaultChange] {
    get { sessionState?.vaultChanges ?? [] }
    set { stateForSessions(!newValue.isEmpty)?.vaultChanges = newValue }
  }
  /// `!vaultChanges.isEmpty` without taking a copy of the array.
  var hasVaultChanges: Bool { sessionState.map { !$0.vaultChanges.isEmpty } ?? false }

  // lifecycle
  var lifecycle: LifecycleProgress = .notStarted

  // cacheControl
  /// `Cache-Control` for the client's response, when the app set none (authenticated requests).
  var addedCacheControl: String? = nil

  // ownedCookies
  /// Response fields (positions in the response head) the client must not receive; empty for
  /// nearly every response (no allocation).
  var droppedResponseFields: [Int] = []

  // Outcome.
  var status: Int = 0
  var bytesIn: Int64 = 0
  var bytesOut: Int64 = 0
  var error: ProxyError? = nil

  init(runtime: RuntimeConfig) {
    self.runtime = runtime
  }

  /// A fresh context for the next request, keeping the header index's storage (no allocation
  /// per request; `StripPhase` rebuilds the index) and the session state's box, emptied, when
  /// nothing else holds it.
  ///
  /// Field by field rather than `self = RequestContext(runtime:)`: replacing the whole value
  /// released every array, string and reference it held, empty ones included (~14 releases,
  /// ~350 instructions per request); here a field that holds nothing is left as it is
  /// (docs/performance.md, "Pass-through and repeated token, round 6"). Every stored property has
  /// its line below, in declaration order: `RequestContextRestartTests` lists them and fails for
  /// one that is added without a line here.
  mutating func restart(runtime: RuntimeConfig) {
    if self.runtime !== runtime { self.runtime = runtime }
    active = false
    startNanos = 0
    startWallNanos = 0
    upstreamStartNanos = 0
    upstreamHeadNanos = 0
    method = .get
    clientHTTP10 = false
    if !methodText.isEmpty { methodText = "" }
    if !pathText.isEmpty { pathText = "" }
    if !peerText.isEmpty { peerText = [] }
    peerIP = .v4(0)
    peerTrusted = false
    let roles = headers.takeStorage()
    headers.reset()
    headers.reuse(roles)
    strippedHeaders = 0
    traceHigh = 0
    traceLow = 0
    spanID = 0
    traceFlags = 0
    traceParentValid = false
    parentSpanID = 0
    authStartNanos = 0
    authEndNanos = 0
    if clientRequestID != nil { clientRequestID = nil }
    generatedRequestID = (0, 0)
    methodOverrideUnsafe = false
    consent = .essential
    if !withheldCookies.isEmpty { withheldCookies = [] }
    routeIndex = -1
    if case .notStarted = authentication {} else { authentication = .notStarted }
    authMethod = "none"
    if principalHash != nil { principalHash = nil }
    stripAuthorization = false
    sessionCookieAlone = false
    if !identityHeaders.isEmpty { identityHeaders = [] }
    if identityLines != nil { identityLines = nil }
    if assertionLine != nil { assertionLine = nil }
    if !responseHeaders.isEmpty { responseHeaders = [] }
    if sessionState != nil {
      var state = sessionState
      sessionState = nil
      if isKnownUniquelyReferenced(&state!) {
        state!.reset()
        sessionState = state
      }
    }
    if token != nil { token = nil }
    if tokenHash != nil { tokenHash = nil }
    if !upstreamCookies.isEmpty { upstreamCookies = UpstreamCookieEdit() }
    if case .notStarted = lifecycle {} else { lifecycle = .notStarted }
    if addedCacheControl != nil { addedCacheControl = nil }
    if !droppedResponseFields.isEmpty { droppedResponseFields = [] }
    status = 0
    bytesIn = 0
    bytesOut = 0
    if error != nil { error = nil }
  }

  /// Appends the request id (client's or generated) to `buffer`.
  func appendRequestID(to buffer: ByteBuffer) -> Bool {
    if let id = clientRequestID {
      return id.withUnsafeBytes { buffer.append($0) }
    }
    return buffer.appendHex64(generatedRequestID.0)
      && buffer.appendHex64(generatedRequestID.1)
  }

  var requestIDString: String {
    if let id = clientRequestID { return String(decoding: id, as: UTF8.self) }
    return Hex.string64(generatedRequestID.0) + Hex.string64(generatedRequestID.1)
  }

  var traceIDString: String { Hex.string64(traceHigh) + Hex.string64(traceLow) }
  var spanIDString: String { Hex.string64(spanID) }
}
