import Sessions

/// The store lookup of an L1 miss and what its answer decides: `SessionLookup` asks for the
/// request path (one object, no closures); `load` asks with a completion for the cold paths (a
/// forwarding's successor, a rotation's winner). Both settle the answer here. Loop-thread only.
extension SessionAuthenticator {
  func load(
    _ request: AuthRequest, ticket: SessionTicket, now: Int64, followForward: Bool, fill: SessionCacheFill,
    verified: VerifiedTicketCache.Entry? = nil, _ done: @escaping (AuthOutcome) -> Void
  ) {
    let epoch = service.invalidationEpoch
    store.load(ticket: ticket, now: now) { [self] result in
      if let outcome = settle(
        result, request, ticket: ticket, now: now, followForward: followForward, fill: fill,
        verified: verified,
        epoch: epoch, later: { done })
      {
        done(outcome)
      }
    }
  }

  /// The outcome of a lookup's `result` for `request`, or nil when it needs another store call
  /// (a forwarding followed, a rotation): then the closure `later` makes gets it. `epoch`: the
  /// invalidation epoch when the lookup was asked.
  func settle(
    _ result: Result<LoadOutcome, SessionError>, _ request: AuthRequest, ticket: SessionTicket, now: Int64,
    followForward: Bool, fill: SessionCacheFill, verified: VerifiedTicketCache.Entry?, epoch: UInt64,
    later: () -> (AuthOutcome) -> Void
  ) -> AuthOutcome? {
    switch result {
    case .failure:
      return staleAnswer(request, ticket: ticket, now: now, fill: fill, verified: verified)
        ?? storeUnavailable
    case .success(.notFound):
      return unauthenticated(request, clearCookie: true, reason: "unknown_session")
    case .success(.forwarded(_, let forward)):
      // Rotated away within the grace period: a request that was already in flight with the
      // old cookie. Follow once to the successor (never cached: the old id dies with the grace).
      guard followForward, let successor = try? forward.openForwarding(with: ticket) else {
        service.events?.suspicious("rotated_ticket_replay", clientIP: request.clientIP, session: ticket)
        return unauthenticated(request, clearCookie: true, reason: "rotated_session")
      }
      let done = later()
      load(request, ticket: successor, now: now, followForward: false, fill: fill) { outcome in
        guard case .allow(var grant) = outcome else {
          done(outcome)
          return
        }
        grant.responseHeaders.append(self.service.setCookie(successor))
        done(.allow(grant))
      }
      return nil
    case .success(.found(let stored)):
      guard
        var record = try? SessionRecord(
          unsealing: stored.sealed, for: ticket, key: verified?.recordKey, workspace: records)
      else {
        return unauthenticated(request, clearCookie: true, reason: "unreadable_record")
      }
      record.lastAccess = max(record.lastAccess, stored.summary.lastAccess)
      if followForward && cacheable(since: epoch) {
        if let lag = service.replicaLagAllowance {
          // The answer may come from a replica that had not yet applied a change whose
          // invalidation already arrived: not cached if this session changed lately.
          service.cache.insert(
            ticket.idHash, record: record, expiresAt: service.policy.expiresAt(record), now: now,
            after: fill,
            unlessInvalidatedSince: now &- lag)
        } else {
          service.cache.insert(
            ticket.idHash, record: record, expiresAt: service.policy.expiresAt(record), now: now,
            after: fill)
        }
      }
      if let outcome = decideNow(
        request, ticket: ticket, record: record, degraded: false, now: now, fill: fill, verified: verified)
      {
        return outcome
      }
      rotate(request, ticket: ticket, record: record, now: now, later())
      return nil
    }
  }

  /// The L1 copy's answer for a lookup the store failed: the outage has begun even while the
  /// breaker does not know it yet (it opens after `breaker_failures` failures), so a cached
  /// session keeps its stale grace from now, as it does once the breaker is open
  /// (docs/operations.md §1). This is the window where the invalidation subscriber lost Redis
  /// first (the cache is then not coherent, so the hit went to the store) and the data
  /// connection's lookup timed out. Nothing is written (`degraded`). nil when the cache is off,
  /// the grace is 0 or over, or the session is not in L1.
  private func staleAnswer(
    _ request: AuthRequest, ticket: SessionTicket, now: Int64, fill: SessionCacheFill,
    verified: VerifiedTicketCache.Entry?
  ) -> AuthOutcome? {
    guard service.settings.cacheEnabled, staleGrace > 0, let verified else { return nil }
    // An outage the breaker knows of keeps its own start: past the grace, the cache is over.
    if let breaker, let since = breaker.outageStart(), breaker.now() &- since > staleGrace { return nil }
    guard let session = cachedSession(ticket.idHash, now: now, verified: verified) else { return nil }
    return session.withParts { ticket, record in
      decideNow(
        request, ticket: ticket, record: record, degraded: true, now: now, fill: fill, verified: verified,
        held: session)
    }
  }

  /// A store answer may enter L1 when the cache is on and, with Redis, the subscriber is
  /// subscribed and no invalidation arrived since the lookup started.
  private func cacheable(since epoch: UInt64) -> Bool {
    guard service.settings.cacheEnabled else { return false }
    guard service.usesRedis else { return true }
    return service.cacheCoherent && service.invalidationEpoch == epoch
  }
}
