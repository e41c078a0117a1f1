import Codecs
import Config
import JWT
import Sessions

/// Request phase 9: with `[assertion]`, an authenticated request gets a signed assertion of
/// who the caller is in the configured header (client-sent copies were stripped by `StripPhase`).
/// The assertion comes from the process's `AssertionCache` — signed once per session generation
/// or token and reused until half its lifetime has passed — so the per-request cost is one
/// lookup (README, "Passing identity on"). Public routes get none. Immutable.
struct AssertionPhase: RequestPhase {
  unowned(unsafe) let worker: Worker

  func run(_ request: inout RequestContext, _ view: RequestView) -> PhaseResult {
    guard let issuer = worker.assertionIssuer else { return .proceed }
    let key: AssertionCache.Key
    if request.token != nil, let hash = request.tokenHash {
      key = .token(hash)
    } else if let session = request.session {
      key = .session(session.ticket.idHash, generation: session.record.generation)
    } else {
      return .proceed
    }
    let now = worker.loop.clock.wallNanos() / 1_000_000_000
    if let cached = issuer.cache.lookup(key, now: now) {
      request.assertionLine = cached
      return .proceed
    }
    guard let signed = sign(issuer, request, now: now) else {
      return .answer(ProxyError(.overloaded, .internal, "assertion not signed"), headers: [])
    }
    // Kept as the rendered header line: a hit costs one lookup and one copy into the buffer.
    let line = Array("\(issuer.settings.header): \(signed)\r\n".utf8)
    issuer.cache.insert(key, line: line, renewAt: now + issuer.ttlSeconds / 2)
    request.assertionLine = line
    return .proceed
  }

  private func sign(_ issuer: AssertionIssuer, _ request: RequestContext, now: Int64) -> String? {
    let claims = issuer.settings.claims
    var values: [(String, JSONValue)] = []
    let subject: String
    let sessionID: String?
    let method: String
    var expiresAt = now + issuer.ttlSeconds
    if let token = request.token {
      method = "jwt"
      subject =
        request.identityHeaders.first { $0.0 == "X-User-Id" }?.1 ?? request.identityLines?.identity.userID
        ?? token.subject ?? ""
      sessionID = token.string("sid") ?? token.string("jti")
      expiresAt = min(expiresAt, token.expiresAt)
      for (claim, source) in claims { if let value = token.claims[source] { values.append((claim, value)) } }
    } else if let session = request.session {
      method = "session"
      let record = session.record
      subject = record.userID
      sessionID = session.ticket.idHash.hex
      for (claim, source) in claims {
        if let text = record.elevatedAttributes[source] ?? record.attributes[source] {
          values.append((claim, RequirePhase.attributeValue(text)))
        }
      }
    } else {
      return nil
    }
    return try? issuer.sign(
      subject: subject, sessionID: sessionID, method: method, now: now, expiresAt: expiresAt, claims: values,
      traceID: request.traceIDString)
  }
}
