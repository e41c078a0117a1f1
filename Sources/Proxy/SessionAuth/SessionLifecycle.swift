import EventLoop
import HTTP1
import Sessions

/// The app-driven session lifecycle (the `responseFilter` half of sessions): the upstream's
/// `Gatehouse-Login`, `Gatehouse-Logout` and `Gatehouse-Elevate` response headers (names
/// configurable) are consumed here and never reach the client.
///
/// - login: the session the client came with (if any) is destroyed — a cookie set before login
///   is never kept (fixation) — and a fresh ticket is issued under the per-user cap;
/// - logout `this` or `all`: destroys the session (or every session of the user) and answers a
///   deletion cookie with the same name, path and attributes;
/// - elevate: rotates the id at once and records the elevation attributes.
///
/// Loop-thread only; the service is shared.
final class SessionLifecycle {
  enum Action: Equatable {
    case login(user: String, attributes: [String: String])
    case logout(all: Bool)
    case elevate(attributes: [String: String])
    /// No lifecycle header, but the app changed a vaulted cookie of the current session.
    case vaultUpdate
  }

  enum Outcome {
    /// Continue with the upstream's response, adding these headers.
    case headers([(String, String)])
    /// Replace the upstream's response by this error (e.g. the login was refused), with these
    /// headers (a logout the store did not write still deletes the browser's cookie).
    case refuse(ProxyError, headers: [(String, String)])

    static func refuse(_ error: ProxyError) -> Outcome { .refuse(error, headers: []) }
  }

  /// Replaced on the loop thread by a reload (same stores).
  var service: SessionService
  /// This worker's store (the shared memory store, or this worker's Redis store behind its breaker).
  let store: any SessionStore
  let log: (String, String) -> Void

  init(service: SessionService, store: any SessionStore, securityLog: @escaping (String, String) -> Void) {
    self.service = service
    self.store = store
    self.log = securityLog
  }

  /// Reads the lifecycle headers of a response head. Invalid values are an app bug: reported as
  /// `.refuse` by `apply` rather than half-applied.
  static func scan(_ head: ResponseHead, base: UnsafeRawPointer, headers: LifecycleHeaders) -> Action?? {
    var login: String?
    var attributes: [String: String] = [:]
    var logout: String?
    var elevate: String?
    // Names first: a value becomes a String only for a lifecycle header (most responses have none).
    for field in head.fields {
      let name = UnsafeRawBufferPointer(start: base + Int(field.nameStart), count: Int(field.nameLength))
      var value: String {
        String(
          decoding: UnsafeRawBufferPointer(
            start: base + Int(field.valueStart), count: Int(field.valueLength)),
          as: UTF8.self)
      }
      if !headers.any.matches(name) {
        continue
      } else if headers.login.matches(name) {
        login = value
      } else if headers.attributes.matches(name) {
        attributes.merge(parseAttributes(value)) { $1 }
      } else if headers.logout.matches(name) {
        logout = value
      } else if headers.elevate.matches(name) {
        elevate = value
      }
    }
    if let login {
      guard IdentityValue.isSafe(login) else { return .some(nil) }
      return .some(.login(user: login, attributes: attributes))
    }
    if let logout {
      switch logout.lowercased() {
      case "this": return .some(.logout(all: false))
      case "all": return .some(.logout(all: true))
      default: return .some(nil)
      }
    }
    if let elevate {
      let parsed = parseAttributes(elevate)
      return .some(.elevate(attributes: parsed))
    }
    return nil
  }

  /// `k=v; k2=v2` → dictionary. Keys are tokens, values printable; other pairs are skipped.
  static func parseAttributes(_ text: String) -> [String: String] {
    var result: [String: String] = [:]
    for pair in text.split(separator: ";") {
      guard let equals = pair.firstIndex(of: "=") else { continue }
      let key = String(pair[..<equals].trimmingOWS())
      let value = String(pair[pair.index(after: equals)...].trimmingOWS())
      guard !key.isEmpty, key.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != 0x3D }),
        HeaderValue.isSafe(value)
      else { continue }
      result[key] = value
    }
    return result
  }

  /// Carries out `action` for the request; answers at once (memory store) or later on this loop.
  /// `vault`: what the response did to vaulted cookies (`VaultCapturePhase`), written into the
  /// new record of a login, the rotated record of an elevation, or (`.vaultUpdate`) the session's.
  func apply(
    _ action: Action, request: AuthRequest?, session: ActiveSession?, vault: [VaultChange] = [],
    resume: @escaping (Outcome) -> Void
  ) -> Outcome? {
    Deferred.run(resume) { done in
      let now = service.now()
      let current = session?.ticket ?? service.ticket(fromCookie: request?.sessionCookie)
      switch action {
      case .login(let user, let attributes):
        // The session the client came with is gone before the new one is counted against the cap.
        // A failed deletion is reported and remembered; the login goes on (its own write decides).
        guard let current else {
          login(user: user, attributes: attributes, request: request, vault: vault, now: now, done)
          return
        }
        end(current, record: session?.record, operation: .loginCleanup) { [self] _ in
          login(user: user, attributes: attributes, request: request, vault: vault, now: now, done)
        }
      case .logout(let all):
        guard let current else {
          done(.headers([service.deletionCookie()]))
          return
        }
        if all {
          store.revokeAll(userKey: current.userKey) { [service, log] result in
            guard case .success(let keys) = result else {
              service.revocationNotWritten(.logoutAll, ticket: current, record: session?.record, log: log)
              done(Self.notWritten(service))
              return
            }
            for key in keys { service.cache.invalidate(storeKey: key) }
            service.metrics.destroyed(.logout, count: keys.count)
            service.events?.destroyed(current, reason: "logout_all", count: keys.count)
            done(.headers([service.deletionCookie()]))
          }
        } else {
          // In force in the store before the client sees the answer (and may try another replica).
          end(current, record: session?.record, operation: .logout) { [service] written in
            done(written ? .headers([service.deletionCookie()]) : Self.notWritten(service))
          }
        }
      case .elevate(let attributes):
        guard let session else {
          log("elevate_without_session", "")
          done(.headers([]))
          return
        }
        rotateAnswering(
          session, record: vaultApplied(vault, to: session.record), elevate: attributes, request, now, done)
      case .vaultUpdate:
        guard let session else {
          done(.headers([]))
          return
        }
        updateVault(session, changes: vault, request: request, now: now, done)
      }
    }
  }

  /// Deletes `ticket`'s session; `written` says whether the store did. A failure is reported
  /// and the ticket remembered as revoked on this process (`SessionService.revocationNotWritten`).
  private func end(
    _ ticket: SessionTicket, record: SessionRecord?, operation: SessionMetrics.WriteOperation,
    _ written: @escaping (Bool) -> Void
  ) {
    service.cache.invalidate(ticket.idHash)
    store.destroy(storeKey: ticket.storeKey, userKey: ticket.userKey) { [service, log] result in
      switch result {
      case .success(let existed):
        service.revokedTickets.forget(ticket.idHash)
        if existed {
          service.metrics.destroyed(.logout)
          service.events?.destroyed(ticket, reason: SessionMetrics.DestroyReason.logout.rawValue)
        }
        written(true)
      case .failure:
        service.revocationNotWritten(operation, ticket: ticket, record: record, log: log)
        written(false)
      }
    }
  }

  /// The answer to a logout the store did not write: 503, and the browser's cookie deleted.
  private static func notWritten(_ service: SessionService) -> Outcome {
    let (error, headers) = service.writeFailedAnswer(deleteCookie: true)
    return .refuse(error, headers: headers)
  }

  private func login(
    user: String, attributes: [String: String], request: AuthRequest?, vault: [VaultChange], now: Int64,
    _ done: @escaping (Outcome) -> Void
  ) {
    guard let request else {
      done(.refuse(ProxyError(.upstreamProtocol, .upstream, "login outside a session-capable request")))
      return
    }
    let policy = service.policy
    var record = policy.newRecord(
      userID: user, attributes: attributes, now: now, clientIP: request.clientIP,
      userAgent: request.userAgent,
      fingerprint: request.fingerprint)
    record.vault = VaultChange.applying(vault, to: [])
    let ticket = SessionTicket.issue(userID: user, keyRing: service.keyRing)
    guard let sealed = try? record.sealed(for: ticket, compact: service.sealsCompact) else {
      done(.refuse(ProxyError(.storeUnavailable, .internal, "sealing failed")))
      return
    }
    let summary = SessionSummary(ticket: ticket, record: record, policy: policy, userAgent: request.userAgent)
    // Before the create: its answer is not cached if the new session was evicted meanwhile (a
    // concurrent login through another replica; its invalidation may overtake this reply).
    let fill = service.cache.fill()
    store.create(
      StoredSession(sealed: sealed, summary: summary), userKey: ticket.userKey, limits: policy.limits,
      now: now
    ) { [service] result in
      switch result {
      case .success(.created(let evicted)):
        service.metrics.sessionCreated()
        if !record.vault.isEmpty { service.metrics.vault.record(.stored, count: record.vault.count) }
        service.events?.created(ticket, userID: user, clientIP: request.clientIP)
        for key in evicted { service.cache.invalidate(storeKey: key) }
        if !evicted.isEmpty {
          service.metrics.destroyed(.evicted, count: evicted.count)
          service.events?.destroyed(nil, reason: "evicted", count: evicted.count)
        }
        service.cache.insert(
          ticket.idHash, record: record, expiresAt: policy.expiresAt(record), now: now, after: fill)
        var headers = [service.setCookie(ticket)]
        if let csrf = service.csrfCookie(for: record) { headers.append(csrf) }
        done(.headers(headers))
      case .success(.rejectedLimitReached):
        service.metrics.loginRejected()
        done(.refuse(ProxyError(.sessionLimit, .downstream, "max_per_user reached")))
      case .failure:
        service.metrics.loginRejected()
        done(.refuse(ProxyError(.storeUnavailable, .internal, "session store")))
      }
    }
  }
}
