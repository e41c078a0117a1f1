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
      return storeUnavailable
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

  /// A store answer may enter L1 when the cache is on and, with Redis, the subscriber is
  /// subscribed and no invalidation arrived since the lookup started.
  private func cacheable(since epoch: UInt64) -> Bool {
    guard service.settings.cacheEnabled else { return false }
    guard service.usesRedis else { return true }
    return service.cacheCoherent && service.invalidationEpoch == epoch
  }
}
