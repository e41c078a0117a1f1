import Sessions

/// One store lookup of the session path (an L1 miss), from the question to the resumed request,
/// in one object: what the answer is decided with (the request, its ticket and verified-ticket
/// entry, the L1 fill token and invalidation epoch), when validation started, and where the
/// answer goes. The object is the store's completion itself — `answered` passed as a method
/// reference, whose closure context is the object, so nothing else is allocated — and it hands
/// the outcome to the waiting exchange without a closure (`AuthResume.answer`). It replaces the
/// four closures and the box the `Deferred` path made per lookup (docs/performance.md, "Session
/// from Redis, round 6"). Loop-thread only.
final class SessionLookup {
  private let authenticator: SessionAuthenticator
  private let request: AuthRequest
  private let ticket: SessionTicket
  private let now: Int64
  private let fill: SessionCacheFill
  private let verified: VerifiedTicketCache.Entry?
  private let epoch: UInt64
  private let started: UInt64
  private let metrics: SessionMetrics
  private let later: AuthResume
  /// The waiting exchange's host, held until the answer came back (the waker does not hold it).
  private let host: (any ExchangeHost)?
  /// `start` returned: an answer now goes to `later`.
  private var returned = false
  /// An answer given before `start` returned (a store that answers at once).
  private var early: AuthOutcome?

  init(
    _ authenticator: SessionAuthenticator, _ request: AuthRequest, ticket: SessionTicket, now: Int64,
    fill: SessionCacheFill, verified: VerifiedTicketCache.Entry, started: UInt64, later: AuthResume
  ) {
    self.authenticator = authenticator
    self.request = request
    self.ticket = ticket
    self.now = now
    self.fill = fill
    self.verified = verified
    self.epoch = authenticator.service.invalidationEpoch
    self.started = started
    self.metrics = authenticator.service.metrics
    self.later = later
    self.host = later.waker?.host
  }

  /// Asks the store; the outcome when it answered at once, else nil (`later` gets it).
  func start() -> AuthOutcome? {
    authenticator.store.load(ticket: ticket, now: now, completion: answered)
    returned = true
    guard let outcome = early else { return nil }
    early = nil
    record(outcome)
    return outcome
  }

  private func answered(_ result: Result<LoadOutcome, SessionError>) {
    if let outcome = authenticator.settle(
      result, request, ticket: ticket, now: now, followForward: true, fill: fill, verified: verified,
      epoch: epoch, later: { self.finish })
    {
      finish(outcome)
    }
  }

  private func finish(_ outcome: AuthOutcome) {
    guard returned else {
      early = outcome
      return
    }
    record(outcome)
    later.answer(outcome)
  }

  private func record(_ outcome: AuthOutcome) {
    SessionAuthenticator.record(
      outcome, metrics, authenticator.validationDurations,
      nanos: authenticator.service.clock.monotonicNanos() &- started)
  }
}
