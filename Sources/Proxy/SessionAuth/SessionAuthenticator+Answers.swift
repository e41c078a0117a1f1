import Codecs
import Crypto
import EventLoop
import HTTP1
import Sessions

/// What a session check answers: the grant with its identity headers and CSRF token, or the
/// refusal (401 or a login redirect), and the validation metrics.
extension SessionAuthenticator {
  /// `verified`: the ticket's entry in the verified-ticket cache, which keeps the rendered
  /// identity (and CSRF base) for the record's generation: only the CSRF mask is new per request.
  /// `held`: the session object the entry keeps for `record` (an unchanged L1 record), if any.
  ///
  /// Answers the outcome itself, built here and not inlined into the L1 hit: inlined, the grant
  /// was made in the hit's own (4 KiB) frame and copied twice more on the way out
  /// (docs/performance.md, "Session L1 hit, round 7").
  @inline(never)
  func allow(
    _ request: AuthRequest, ticket: SessionTicket, record: SessionRecord, extraResponse: [(String, String)],
    verified: VerifiedTicketCache.Entry? = nil, held session: ActiveSession? = nil
  ) -> AuthOutcome {
    let identity: VerifiedTicketCache.Identity
    if let verified, let held = verified.identity, let session, verified.identitySession === session {
      // Checked against this very session object before (it is immutable).
      identity = held
    } else if let held = verified?.identity, held.generation == record.generation,
      held.userID == record.userID, ConstantTime.equals(held.csrfSecret, record.csrfSecret)
    {
      identity = held
      verified?.identitySession = session
    } else {
      identity = renderIdentity(ticket, record)
      verified?.identity = identity
      verified?.identitySession = session
    }
    let csrf =
      service.policy.csrf
      ? Unmanaged.passUnretained(masks)._withUnsafeGuaranteedRef { $0.maskedToken(base: identity.csrfBase) }
      : nil
    return .allow(
      AuthGrant(
        identityHeaders: [], responseHeaders: extraResponse, method: "session",
        principal: PrincipalHash(identity.principalHash),
        session: session ?? ActiveSession(ticket: ticket, record: record),
        identityLines: IdentityLines(identity, csrf: csrf)))
  }

  /// The identity header lines (all but the per-request CSRF token's value) and the principal's
  /// log hash.
  func renderIdentity(_ ticket: SessionTicket, _ record: SessionRecord)
    -> VerifiedTicketCache.Identity
  {
    var lines: [UInt8] = []
    func line(_ name: String, _ value: String) {
      lines.append(contentsOf: name.utf8)
      lines.append(contentsOf: ": ".utf8)
      lines.append(contentsOf: value.utf8)
      lines.append(contentsOf: "\r\n".utf8)
    }
    line("X-User-Id", record.userID)
    line("X-Auth-Method", "session")
    line("X-Session-Hash", ticket.hashForLogs)
    for (attribute, header) in service.settings.attributeHeaders.sorted(by: { $0.key < $1.key }) {
      if let value = record.elevatedAttributes[attribute] ?? record.attributes[attribute],
        HeaderValue.isSafe(value)
      {
        line(header, value)
      }
    }
    return VerifiedTicketCache.Identity(
      generation: record.generation, userID: record.userID, lines: lines,
      csrfName: service.policy.csrf ? Array((service.settings.csrfHeader + ": ").utf8) : [],
      csrfSecret: record.csrfSecret,
      csrfBase: service.policy.csrf
        ? CSRFToken.base(secret: record.csrfSecret, generation: record.generation) : [],
      principalHash: SessionService.principalHash(ticket))
  }

  /// `record` for an answer made now (not nil); false, recording nothing, for nil. The answer
  /// is borrowed: only its case is read.
  @inline(__always)
  static func recordAnswer(
    _ answer: borrowing AuthOutcome?, _ metrics: SessionMetrics, _ durations: ValidationDurations,
    service: SessionService, started: UInt64
  ) -> Bool {
    let result: SessionMetrics.ValidationResult
    switch answer {
    case .none: return false
    case .some(.allow): result = .valid
    case .some(.deny(let error, _)):
      if error.kind == .storeUnavailable {
        result = .unavailable
        metrics.failed(.storeUnavailable)
      } else {
        result = .invalid
      }
    }
    durations.record(result: result.index, nanos: service.monotonicNanos() &- started)
    return true
  }

  /// One validation's duration by result, and the store-unavailable error (the other error
  /// types are counted where they are decided).
  static func record(
    _ outcome: AuthOutcome, _ metrics: SessionMetrics, _ durations: ValidationDurations, nanos: UInt64
  ) {
    switch outcome {
    case .allow: durations.record(result: SessionMetrics.ValidationResult.valid.index, nanos: nanos)
    case .deny(let error, _) where error.kind == .storeUnavailable:
      durations.record(result: SessionMetrics.ValidationResult.unavailable.index, nanos: nanos)
      metrics.failed(.storeUnavailable)
    case .deny: durations.record(result: SessionMetrics.ValidationResult.invalid.index, nanos: nanos)
    }
  }

  func unauthenticated(_ request: AuthRequest, clearCookie: Bool, reason: String) -> AuthOutcome {
    if let type = SessionErrorType(reason: reason) { service.metrics.failed(type) }
    var headers: [(String, String)] = []
    if clearCookie { headers.append(service.deletionCookie()) }
    if wantsRedirect(request) {
      headers.append(
        ("Location", LoginRedirect.location(loginURL: service.settings.loginURL, target: request.target)))
      return .deny(ProxyError(.loginRequired, .downstream, reason), headers: headers)
    }
    return .deny(ProxyError(.unauthorized, .downstream, reason), headers: headers)
  }

  func wantsRedirect(_ request: AuthRequest) -> Bool {
    guard request.method == .get || request.method == .head else { return false }
    switch request.onUnauthenticated {
    case .deny: return false
    case .redirect: return true
    case .auto:
      guard let accept = request.accept else { return false }
      return ByteSearch.containsCaseInsensitive(accept, "text/html")
    }
  }
}
