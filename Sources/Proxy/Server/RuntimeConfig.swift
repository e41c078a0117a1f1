public import Config
public import EventLoop
public import HTTP1
public import Net

/// The hot-path view of the configuration: compiled routes and matchers, timeouts in
/// nanoseconds, buffer sizes. Built once per (re)load and swapped as a whole; a request keeps
/// the snapshot it started with. Immutable.
public final class RuntimeConfig: Sendable {
  public let routes: RouteTable
  let stripMatcher: FieldNameMatcher
  let requestIDMatcher: FieldNameMatcher
  let requestIDHeaderBytes: [UInt8]
  let controlHeaderMatcher: FieldNameMatcher
  /// `HeaderIndex.configuredRole` of `Authorization` under these patterns, worked out once: a
  /// bearer token's field would otherwise run every matcher on every request.
  let authorizationRole: FieldRole
  public let trustedProxies: [CIDR]
  public let headLimits: HeadLimits
  let responseHeadLimits: HeadLimits
  public let headerTimeout: UInt64
  public let idleTimeout: UInt64
  public let connectTimeout: UInt64
  public let responseTimeout: UInt64
  public let lingerTimeout: UInt64
  public let maxBodyBytes: Int64
  /// Bodies of locally answered requests up to this size are read and dropped so the
  /// connection can be kept; larger ones close it.
  public let drainLimit: Int64
  let upstreamHostText: String
  public let accessLog: Bool
  public let logQuery: Bool
  public let clientBufferSize: Int
  /// The session cookie's name when `[session]` is configured.
  let sessionCookieName: String?
  let csrfHeaderMatcher: FieldNameMatcher
  /// Largest form body read before authentication for its CSRF field (0 = never).
  let csrfFormBytes: Int
  /// Response headers by which the app drives sessions (nil without `[session]`).
  let lifecycleHeaders: LifecycleHeaders?
  /// `[session] bind_fingerprint`: read into `AuthRequest.fingerprint` only when not empty.
  let fingerprintHeaders: FingerprintHeaders
  /// `[session] vault_cookies` and `[session.detect]`; nil when neither is configured.
  let vault: VaultRules?
  /// Cookies removed from every upstream request: the session cookie unless `forward_cookie`,
  /// and then also a session cookie name a reload retired (still read for a while).
  let cookiesToStrip: [[UInt8]]
  public let upstreamBufferSize: Int
  /// The configurable strict choices (refused methods, overrides, owned cookies, …).
  let hardening: HardeningRules
  /// A new trace is sampled when a random `UInt64` is at most this (`[tracing] ratio`).
  let traceSampleThreshold: UInt64
  /// Sampled requests leave a span for the exporter (`otlp_endpoint` set).
  let exportSpans: Bool
  /// `[cookie_policy]`, compiled; nil without one (the app's cookies pass untouched).
  let cookiePolicy: CookiePolicy?

  public init(
    routes: RouteTable, strip: [String], requestIDHeader: String, trustedProxies: [CIDR],
    headLimits: HeadLimits,
    headerTimeout: UInt64, idleTimeout: UInt64, connectTimeout: UInt64, responseTimeout: UInt64,
    maxBodyBytes: Int64, upstream: SocketAddress, accessLog: Bool, logQuery: Bool,
    session: SessionSettings? = nil, retiredSessionCookie: String? = nil, traceRatio: Double = 1.0,
    exportSpans: Bool = false, hardening: HardeningRules = HardeningRules(),
    cookiePolicy: CookiePolicySettings? = nil
  ) {
    self.cookiePolicy = cookiePolicy.map(CookiePolicy.init)
    self.hardening = hardening
    traceSampleThreshold =
      traceRatio >= 1 ? UInt64.max : traceRatio <= 0 ? 0 : UInt64(Double(UInt64.max) * traceRatio)
    self.exportSpans = exportSpans
    if let session {
      sessionCookieName = session.cookieName
      csrfHeaderMatcher = FieldNameMatcher(patterns: [session.csrfHeader])
      csrfFormBytes = session.policy.csrf ? session.csrfMaxFormBytes : 0
      lifecycleHeaders = LifecycleHeaders(session)
      fingerprintHeaders = FingerprintHeaders(session.policy.bindFingerprint)
      vault = VaultRules(session)
      cookiesToStrip =
        session.forwardCookie
        ? [] : ([session.cookieName] + (retiredSessionCookie.map { [$0] } ?? [])).map { Array($0.utf8) }
    } else {
      fingerprintHeaders = FingerprintHeaders([])
      vault = nil
      cookiesToStrip = []
      sessionCookieName = nil
      csrfHeaderMatcher = FieldNameMatcher(patterns: [])
      csrfFormBytes = 0
      lifecycleHeaders = nil
    }
    var control = ["Gatehouse-*"]
    if let session {
      control += [session.loginHeader, session.attributesHeader, session.logoutHeader, session.elevateHeader]
    }
    // Headers Gatehouse itself sets from a session are never taken from the client.
    let injected =
      (session?.attributeHeaders.values.map { $0 } ?? []) + (session.map { [$0.csrfHeader] } ?? [])
      + (cookiePolicy == nil ? [] : [CookiePolicy.consentHeader])
    self.routes = routes
    self.stripMatcher = FieldNameMatcher(patterns: strip + control + injected)
    self.requestIDMatcher = FieldNameMatcher(patterns: [requestIDHeader])
    self.requestIDHeaderBytes = Array(requestIDHeader.utf8)
    self.controlHeaderMatcher = FieldNameMatcher(patterns: control)
    let (requestID, csrf, stripped) = (requestIDMatcher, csrfHeaderMatcher, stripMatcher)
    self.authorizationRole = StaticString("authorization").withUTF8Buffer {
      HeaderIndex.configuredRole(
        UnsafeRawBufferPointer($0), requestID: requestID, csrf: csrf, checksCSRF: session != nil,
        hardening: hardening, strip: stripped)
    }
    self.trustedProxies = trustedProxies
    self.headLimits = headLimits
    self.responseHeadLimits = HeadLimits(maxRequestLineBytes: 8192, maxHeaderBytes: 65536, maxHeaders: 500)
    self.headerTimeout = headerTimeout
    self.idleTimeout = idleTimeout
    self.connectTimeout = connectTimeout
    self.responseTimeout = responseTimeout
    self.lingerTimeout = 2_000_000_000
    self.maxBodyBytes = maxBodyBytes
    self.drainLimit = 65536
    self.upstreamHostText = upstream.description
    self.accessLog = accessLog
    self.logQuery = logQuery
    let headRoom = headLimits.maxRequestLineBytes + headLimits.maxHeaderBytes + 1024
    // A login form `[session.detect]` reads must fit after the head like a CSRF form.
    let formBytes = max(csrfFormBytes, vault?.detect?.maxFormBytes ?? 0)
    self.clientBufferSize = max(32768, RuntimeConfig.roundUp(headRoom + formBytes))
    self.upstreamBufferSize = max(65536 + 8192, RuntimeConfig.roundUp(headRoom + 4096))
  }

  private static func roundUp(_ value: Int) -> Int { (value + 4095) & ~4095 }

  @inline(__always)
  func isTrusted(_ ip: IPAddress) -> Bool {
    if trustedProxies.isEmpty { return false }
    for cidr in trustedProxies where cidr.contains(ip) { return true }
    return false
  }
}

extension RuntimeConfig {
  /// The client's address: the socket peer, or — when the peer is a trusted proxy — the
  /// right-most `X-Forwarded-For` hop that is not itself trusted (hops left of it could be
  /// forged by the client). Malformed hops stop the walk at the last good address.
  public func clientIP(peer: IPAddress, forwardedFor: [UInt8]?) -> IPAddress {
    guard let forwardedFor, isTrusted(peer) else { return peer }
    var current = peer
    let hops = forwardedFor.split(separator: 0x2C)
    for hop in hops.reversed() {
      let text = String(String(decoding: hop, as: UTF8.self)[...].trimmingOWS())
      guard let address = IPAddress(text) else { return current }
      current = address
      if !isTrusted(address) { return address }
    }
    return current
  }
}
