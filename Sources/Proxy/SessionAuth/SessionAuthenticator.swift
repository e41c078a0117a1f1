import Codecs
import Crypto
import EventLoop
import HTTP1
import Sessions

/// `auth = "session"`: validates the session cookie and enforces the policy for one worker.
///
///     cookie → ticket (signature checked before any lookup) → L1 cache → store (forwarding after a
///     rotation is followed) → unseal → policy (idle, absolute, binding) → CSRF on unsafe methods
///     → rotation (interval) or touch (at most once per touch_interval) → identity headers
///
/// Unauthenticated requests get a login redirect (browser navigations) or 401 JSON, per route.
///
/// With Redis (docs/DECISIONS.md §8, docs/redis.md §8): L1 entries are served only while the
/// invalidation subscriber is subscribed (`RedisSharedState.coherent`). While this worker's store
/// is unavailable (breaker not closed, or connection down), L1 hits keep working for `stale_grace`
/// after the outage began, without touches or rotations (nothing is written, no new cookie); L1
/// misses (and hits past the grace) get 503 with `Retry-After`. With `on_store_unavailable =
/// "jwt_only"` a bearer request is then judged as a JWT request instead
/// (`JWTOnlyOutageAuthenticator`, which wraps this one).
///
/// Loop-thread only; the service it uses is shared and thread-safe, the store is this worker's.
final class SessionAuthenticator: RequestAuthenticator {
  /// Replaced on the loop thread by a reload (new keys, policy, cookie settings; same stores).
  var service: SessionService {
    didSet { tickets = VerifiedTicketCache(capacity: service.settings.verifiedTickets) }
  }
  let store: any SessionStore
  /// This worker's outage state when the store is Redis (its breaker), else nil.
  let breaker: (any SessionStoreOutage)?
  /// `[redis] stale_grace` (ns); a reload may change it.
  var staleGrace: UInt64
  let log: (String, String) -> Void
  /// CSRF masks come from the kernel CSPRNG in 4 KiB batches (one RAND_bytes per 128 tokens,
  /// not one per request).
  let masks = RandomPool()
  /// Invalid tickets per client prefix, for the `invalid_ticket_burst` event.
  var invalidTickets = InvalidTicketBurst()
  /// Cookie values whose MAC verified on this worker: a repeated cookie skips the decode. Made
  /// anew when a reload replaces the service (its key ring may have retired a key).
  private var tickets: VerifiedTicketCache
  /// This worker's `gatehouse_session_validation_duration_seconds` series (a reload keeps the
  /// service's metrics, so they stay valid).
  let validationDurations: ValidationDurations
  /// This worker's AES-GCM context for opening records from the store.
  let records = AESGCMWorkspace()

  /// `worker`: the worker's index (its validation-duration series).
  init(
    service: SessionService, store: any SessionStore, outage: (any SessionStoreOutage)? = nil,
    worker: Int = 0,
    securityLog: @escaping (String, String) -> Void
  ) {
    self.service = service
    self.validationDurations = service.metrics.validationDurations(worker: worker)
    self.tickets = VerifiedTicketCache(capacity: service.settings.verifiedTickets)
    self.store = store
    self.breaker = outage ?? store as? BreakerSessionStore
    self.staleGrace = UInt64(service.settings.redis?.staleGrace.nanoseconds ?? 0)
    self.log = securityLog
  }

  /// The answer while the store cannot be asked.
  var storeUnavailable: AuthOutcome {
    .deny(ProxyError(.storeUnavailable, .internal, "session store"), headers: [("Retry-After", "1")])
  }

  /// True while this worker's store is in an outage (breaker not closed or connection down).
  var storeIsUnavailable: Bool { breaker?.outageStart() != nil }

  /// Whether L1 may answer now, and whether the store is in an outage (then nothing is written).
  func cachePolicy() -> (useCache: Bool, degraded: Bool) {
    guard service.settings.cacheEnabled else { return (false, breaker?.outageStart() != nil) }
    if let breaker, let since = breaker.outageStart() {
      return (breaker.now() &- since <= staleGrace, true)
    }
    if !service.cacheCoherent { return (false, false) }
    return (true, false)
  }

  func authenticate(_ request: AuthRequest, resume: @escaping (AuthOutcome) -> Void) -> AuthOutcome? {
    authenticate(request, later: AuthResume(resume))
  }

  func authenticate(_ request: AuthRequest, later: AuthResume) -> AuthOutcome? {
    var retiredName: String?
    var presented = request.fields.slice(.sessionCookie)
    if presented == nil, service.retiredCookie != nil, let cookies = request.cookies,
      let name = service.retiredCookieName(now: service.now())
    {
      presented = CookieHeader.value(named: name, in: cookies).map { ArraySlice($0) }
      retiredName = name
    }
    guard let cookie = presented else {
      return unauthenticated(request, clearCookie: false, reason: "no_session")
    }
    if let retiredName {
      // Read under the name a reload retired: the answer moves it to the current name.
      let service = self.service
      return authenticate(
        request, ticketCookie: cookie,
        later: AuthResume { outcome in later.closure()(Self.renamed(outcome, from: retiredName, service)) }
      ).map { Self.renamed($0, from: retiredName, service) }
    }
    return authenticate(request, ticketCookie: cookie, later: later)
  }

  /// A session granted under a retired cookie name gets its cookie under the current name and
  /// the old one deleted (unless the grant already carries a new cookie: a rotation).
  private static func renamed(_ outcome: AuthOutcome, from retired: String, _ service: SessionService)
    -> AuthOutcome
  {
    guard case .allow(var grant) = outcome, let session = grant.session else { return outcome }
    let prefix = service.settings.cookieName + "="
    if !grant.responseHeaders.contains(where: { $0.0 == "Set-Cookie" && $0.1.hasPrefix(prefix) }) {
      grant.responseHeaders.append(service.setCookie(session.ticket))
    }
    grant.responseHeaders.append(service.deletionCookie(name: retired))
    return .allow(grant)
  }

  private func authenticate(
    _ request: AuthRequest, ticketCookie cookie: ArraySlice<UInt8>, later: AuthResume
  ) -> AuthOutcome? {
    let (started, now) = service.readings()
    let verified: VerifiedTicketCache.Entry
    // The verified-ticket cache (here and in `decideNow`), the L1 cache and the CSRF masks are
    // lent without a retain, as one expression (a named strong reference keeps its retain): this
    // authenticator holds `tickets` and `masks` and replaces `tickets` only on a reload, which
    // never runs inside these calls; the service holds its cache (docs/performance.md, "Session
    // L1 hit, round 7").
    if let hit = cookie.withUnsafeBufferPointer({ cookie in
      Unmanaged.passUnretained(tickets)._withUnsafeGuaranteedRef { $0.lookup(cookie, now: now) }
    }) {
      verified = hit
    } else {
      do {
        verified = try cookie.withUnsafeBufferPointer { buffer throws(SessionError) in
          tickets.insert(buffer, ticket: try SessionTicket.decode(buffer, keyRing: service.keyRing), now: now)
        }
      } catch {
        service.metrics.invalidTicket()
        reportInvalidTicket(request, kind: "\(error.kind)")
        return unauthenticated(request, clearCookie: true, reason: "invalid_ticket:\(error.kind)")
      }
    }
    return authenticate(request, verified: verified, now: now, started: started, later: later)
  }

  /// The ticket stays where the entry holds it: a copy retains every array and string inside it
  /// (docs/performance.md, "Session L1 hit, round 6"); an L1 hit reads only its id hash. The
  /// outcome is passed on as the optional it is made as (unwrapped and wrapped again, it was
  /// copied at each step; docs/performance.md, "Session L1 hit, round 7"). Inlined into its one
  /// caller: called, its answer was copied once more on the way out.
  @inline(__always)
  private func authenticate(
    _ request: AuthRequest, verified: VerifiedTicketCache.Entry, now: Int64, started: UInt64,
    later: AuthResume
  ) -> AuthOutcome? {
    // The table is empty in a healthy process: one atomic load, no call whose optional
    // outcome (the size of a grant) is copied out.
    if service.revokedTickets.count != 0,
      let refused = verified.withTicket({ revokedHere(request, ticket: $0, now: now) })
    {
      return refused
    }
    let metrics = service.metrics
    let durations = validationDurations
    // Made only for an answer that comes later (a store round trip, a rotation).
    func finish() -> (AuthOutcome) -> Void {
      let resume = later.closure()
      let clock = service.clock
      return { outcome in
        Self.record(outcome, metrics, durations, nanos: clock.monotonicNanos() &- started)
        resume(outcome)
      }
    }
    let (useCache, degraded) = cachePolicy()
    // Taken before the lookup: a touch or lookup answer is cached only if no invalidation of
    // this session came in meanwhile.
    let fill = Unmanaged.passUnretained(service.cache)._withUnsafeGuaranteedRef { $0.fill() }
    if useCache, let session = cachedSession(verified.ticket.idHash, now: now, verified: verified) {
      // An L1 hit is answered here, without a completion, unless the session is due a rotation
      // (a store write). Ticket and record are borrowed where the session holds them (a copy
      // costs retains).
      let answer = session.withParts { ticket, record in
        decideNow(
          request, ticket: ticket, record: record, degraded: degraded, now: now, fill: fill,
          verified: verified, held: session)
      }
      if Self.recordAnswer(answer, metrics, durations, service: service, started: started) {
        return answer
      }
      return Deferred.run(finish()) { done in
        rotate(request, ticket: session.ticket, record: session.record, now: now, done)
      }.map { outcome in
        Self.record(outcome, metrics, durations, nanos: service.monotonicNanos() &- started)
        return outcome
      }
    }
    // An L1 miss: the lookup keeps its own copy of the ticket.
    return SessionLookup(
      self, request, ticket: verified.ticket, now: now, fill: fill, verified: verified, started: started,
      later: later
    ).start()
  }

  /// The session the L1 cache holds for `idHash`, decoded through the ticket's entry (which
  /// keeps the last decoded record: an unchanged record is not decoded again). The entry is read
  /// under the cache's lock, synchronously on this thread (the closure does not outlive the
  /// call): it never leaves this worker.
  @inline(__always)
  func cachedSession(_ idHash: SessionIDHash, now: Int64, verified: VerifiedTicketCache.Entry)
    -> ActiveSession?
  {
    nonisolated(unsafe) let entry = verified
    return Unmanaged.passUnretained(service.cache)._withUnsafeGuaranteedRef {
      $0.lookupSession(idHash, now: now, { entry.session(cacheForm: $0) })
    }
  }

  /// A session this process ended but the store did not delete (`RevokedTickets`) is refused
  /// before the cache and the store are asked; now and then the deletion is tried again.
  private func revokedHere(_ request: AuthRequest, ticket: SessionTicket, now: Int64) -> AuthOutcome? {
    switch service.revokedTickets.check(ticket.idHash, now: now) {
    case .clear:
      return nil
    case .revoked:
      break
    case .revokedRetryDeletion(let keys):
      store.destroy(storeKey: keys.storeKey, userKey: keys.userKey) { [service] result in
        if case .success = result { service.revokedTickets.forget(ticket.idHash) }
      }
    }
    return unauthenticated(request, clearCookie: true, reason: "revoked_session")
  }

  // MARK: Policy

  /// The policy's answer for a live record, or nil when the session is due a rotation (then
  /// `rotate` answers, after the store).
  /// `held`: the session object for exactly `record` (an unchanged L1 record), reused by the grant.
  func decideNow(
    _ request: AuthRequest, ticket: SessionTicket, record: SessionRecord, degraded: Bool, now: Int64,
    fill: SessionCacheFill, verified: VerifiedTicketCache.Entry?, held: ActiveSession? = nil
  ) -> AuthOutcome? {
    // Borrowed where the service holds it: `let policy = service.policy` copied it.
    service.withPolicy { policy in
      decideNow(
        request, ticket: ticket, record: record, degraded: degraded, now: now, fill: fill, verified: verified,
        held: held, policy: policy)
    }
  }

  private func decideNow(
    _ request: AuthRequest, ticket: SessionTicket, record: SessionRecord, degraded: Bool, now: Int64,
    fill: SessionCacheFill, verified: VerifiedTicketCache.Entry?, held: ActiveSession?, policy: SessionPolicy
  ) -> AuthOutcome? {
    let decision = policy.evaluate(record: record, now: now, clientIP: request.clientIP) {
      let userAgent = request.fields.slice(.userAgent)
      return verified?.userAgentHash(userAgent) ?? SHA256.hash(userAgent.map { Array($0) } ?? [])
    }
    if let verified {
      Unmanaged.passUnretained(tickets)._withUnsafeGuaranteedRef {
        $0.limit(verified, to: policy.expiresAt(record), now: now)
      }
    }
    switch decision {
    case .expiredIdle, .expiredAbsolute:
      let idle = decision == .expiredIdle
      if let verified { tickets.remove(verified) }
      service.cache.invalidate(ticket.idHash)
      store.destroy(storeKey: ticket.storeKey, userKey: ticket.userKey) { [service] result in
        if case .success(true) = result {
          service.metrics.destroyed(idle ? .idle : .absolute)
          service.events?.destroyed(ticket, reason: idle ? "idle" : "absolute", userID: record.userID)
        }
      }
      return unauthenticated(request, clearCookie: true, reason: idle ? "idle_timeout" : "absolute_timeout")
    case .bindingMismatch(let reason):
      service.metrics.bindingMismatch()
      reportBindingMismatch(request, ticket: ticket, record: record, reason: reason)
      return unauthenticated(request, clearCookie: false, reason: "binding_mismatch:\(reason.rawValue)")
    case .valid(let needsTouch, let needsRotation):
      if record.binding.fingerprint != nil,
        let refused = fingerprintRefusal(request, ticket: ticket, record: record)
      {
        return refused
      }
      if let refusal = csrfRefusal(request, record: record) {
        service.metrics.csrfFailed()
        service.events?.suspicious("csrf_failure", clientIP: request.clientIP, session: ticket, seen: refusal)
        return .deny(ProxyError(.csrfFailed, .downstream, refusal), headers: [])
      }
      // During an outage nothing is written: no rotation, no touch, no new cookie.
      if needsRotation && !degraded { return nil }
      guard needsTouch && !degraded else {
        // The record as it is: not copied, the held session object reused.
        return allow(
          request, ticket: ticket, record: record, extraResponse: [], verified: verified, held: held)
      }
      let current = policy.touched(record, now: now)
      let expiresAt = policy.expiresAt(current)
      service.cache.insert(ticket.idHash, record: current, expiresAt: expiresAt, now: now, after: fill)
      store.touch(
        storeKey: ticket.storeKey, userKey: ticket.userKey, lastAccess: now, expiresAt: expiresAt, now: now
      ) { _ in }
      return allow(request, ticket: ticket, record: current, extraResponse: [], verified: verified)
    }
  }

  /// Rotation on the interval: the new ticket goes out in `Set-Cookie` on this response.
  func rotate(
    _ request: AuthRequest, ticket: SessionTicket, record: SessionRecord, now: Int64,
    _ done: @escaping (AuthOutcome) -> Void
  ) {
    service.rotate(
      store: store, ticket: ticket, record: record, now: now, userAgent: request.userAgent, elevate: nil
    ) { [self] result in
      switch result {
      case .unavailable:
        service.reportWriteFailure(.rotate, sessionHash: ticket.hashForLogs, log: log)
        done(storeUnavailable)
      case .gone:
        done(unauthenticated(request, clearCookie: true, reason: "unknown_session"))
      case .rotated(let newTicket, let newRecord):
        var extra = [service.setCookie(newTicket)]
        if let csrf = service.csrfCookie(for: newRecord) { extra.append(csrf) }
        done(allow(request, ticket: newTicket, record: newRecord, extraResponse: extra))
      case .converged(let winner):
        load(request, ticket: winner, now: now, followForward: false, fill: service.cache.fill()) { outcome in
          guard case .allow(var grant) = outcome else {
            done(outcome)
            return
          }
          grant.responseHeaders.append(self.service.setCookie(winner))
          done(.allow(grant))
        }
      }
    }
  }
}
