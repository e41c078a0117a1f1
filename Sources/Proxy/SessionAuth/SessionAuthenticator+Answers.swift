import Codecs
import Crypto
import EventLoop
import HTTP1
import Sessions

/// What a session check answers: the grant with its identity headers and CSRF token, or the
/// refusal (401 or a login redirect), and the validation metrics.
extension SessionAuthenticator {
  /// `verified`: the ticket's entry in the verified-ticket cache, which keeps the rendered
  /// identity for the record's generation (only the CSRF mask is new per request).
  func grant(
    _ request: AuthRequest, ticket: SessionTicket, record: SessionRecord, extraResponse: [(String, String)],
    verified: VerifiedTicketCache.Entry? = nil
  ) -> AuthGrant {
    let identity: VerifiedTicketCache.Identity
    if let held = verified?.identity, held.generation == record.generation, held.userID == record.userID {
      identity = held
    } else {
      identity = renderIdentity(ticket, record)
      verified?.identity = identity
    }
    var headers = identity.headers
    if service.policy.csrf {
      headers.append(
        (
          service.settings.csrfHeader,
          masks.withBytes(CSRFToken.baseByteCount) {
            CSRFToken.make(base: identity.csrfBase, mask: $0)
          }
        ))
    }
    return AuthGrant(
      identityHeaders: headers, responseHeaders: extraResponse, method: "session",
      principalHash: identity.principalHash,
      session: ActiveSession(ticket: ticket, record: record))
  }

  /// The identity headers (all but the per-request CSRF token), the principal's log hash and the
  /// unmasked CSRF token (an HMAC, computed once per rendered identity, not per request).
  func renderIdentity(_ ticket: SessionTicket, _ record: SessionRecord)
    -> VerifiedTicketCache.Identity
  {
    var headers: [(String, String)] = [
      ("X-User-Id", record.userID), ("X-Auth-Method", "session"), ("X-Session-Hash", ticket.hashForLogs),
    ]
    for (attribute, header) in service.settings.attributeHeaders.sorted(by: { $0.key < $1.key }) {
      if let value = record.elevatedAttributes[attribute] ?? record.attributes[attribute],
        HeaderValue.isSafe(value)
      {
        headers.append((header, value))
      }
    }
    headers.reserveCapacity(headers.count + 1)
    return VerifiedTicketCache.Identity(
      generation: record.generation, userID: record.userID, headers: headers,
      principalHash: SessionService.principalHash(ticket),
      csrfBase: service.policy.csrf
        ? CSRFToken.base(secret: record.csrfSecret, generation: record.generation) : [])
  }

  /// One validation's duration by result, and the store-unavailable error (the other error
  /// types are counted where they are decided).
  static func record(_ outcome: AuthOutcome, _ metrics: SessionMetrics, nanos: UInt64) {
    switch outcome {
    case .allow: metrics.validated(.valid, nanos: nanos)
    case .deny(let error, _) where error.kind == .storeUnavailable:
      metrics.validated(.unavailable, nanos: nanos)
      metrics.failed(.storeUnavailable)
    case .deny: metrics.validated(.invalid, nanos: nanos)
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
