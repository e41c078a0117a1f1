import Codecs
import Config
import HTTP1
import Sessions

/// The session admin API on the admin listener (token-protected like `/metrics`):
///
///     GET    /sessions?user=ID          the user's live sessions (metadata only, never a ticket)
///     DELETE /sessions/HASH?user=ID     revoke one session (HASH from the listing / X-Session-Hash)
///     DELETE /sessions?user=ID          revoke every session of the user
///
/// Revocations take effect on the next request (the L1 cache entries are dropped here; with
/// Redis, the other replicas drop theirs on the invalidation message). Each revocation is a
/// security event (`admin_sessions_revoked`) naming the operator's token id, the user's hash,
/// the session hash (revoke one), how many sessions ended and whether the store answered.
///
/// The memory store answers synchronously on the admin thread. With Redis the operation runs on
/// worker 0's loop (`SessionAdminRunner`) and the answer comes back through `resume`, called
/// on worker 0's thread: the caller moves it to its own loop. Thread-safe.
final class SessionAdmin: Sendable {
  let service: SessionService
  let runner: SessionAdminRunner?
  let events: @Sendable (AdminEvent) -> Void
  /// Security events (a revocation the store did not write).
  let securityLog: @Sendable (String, String) -> Void

  init(
    service: SessionService, runner: SessionAdminRunner? = nil,
    events: @escaping @Sendable (AdminEvent) -> Void = { _ in },
    securityLog: @escaping @Sendable (String, String) -> Void = { _, _ in }
  ) {
    self.service = service
    self.runner = runner
    self.events = events
    self.securityLog = securityLog
  }

  static let unavailable = AdminResponse.json(503, #"{"error":"session store unavailable"}"#)

  /// Synchronous form: the memory store only (tests); a Redis answer is not waited for.
  func respond(_ request: AdminRequest, caller: AdminCaller) -> AdminResponse {
    respond(request, caller: caller) { _ in } ?? Self.unavailable
  }

  /// Answers now (validation errors, memory store) or returns nil and calls `resume` once later
  /// (Redis, from worker 0's loop thread).
  func respond(
    _ request: AdminRequest, caller: AdminCaller, resume: @escaping @Sendable (AdminResponse) -> Void
  ) -> AdminResponse? {
    let method = request.method
    let path = request.path
    guard let user = Self.queryValue("user", in: request.query), !user.isEmpty else {
      return .json(400, #"{"error":"the user query parameter is required"}"#)
    }
    let userKey = service.keyRing.userKey(for: user)
    let pathText = String(decoding: path, as: UTF8.self)
    let hash = pathText.hasPrefix("/sessions/") ? String(pathText.dropFirst("/sessions/".count)) : nil
    switch (method, hash) {
    case (.get, nil), (.head, nil), (.delete, nil), (.delete, .some):
      break
    default:
      return .text(405, "method not allowed", extraHeaders: [("Allow", "GET, HEAD, DELETE")])
    }
    let service = self.service
    let events = self.events
    let log = securityLog
    let operation: @Sendable (any SessionStore, @escaping (AdminResponse) -> Void) -> Void = { store, done in
      Self.perform(
        service: service, store: store, method: method, user: user, userKey: userKey, hash: hash, log: log
      ) { response, revoked in
        if method == .delete {
          events(
            Self.revocationEvent(caller: caller, service: service, user: user, hash: hash, response, revoked))
        }
        done(response)
      }
    }
    if let runner {
      runner.run { store in operation(store) { resume($0) } }
      return nil
    }
    guard let memory = service.memoryStore else { return Self.unavailable }
    let box = AdminAnswerBox()
    operation(memory) { response in
      if box.returned { resume(response) } else { box.value = response }
    }
    box.returned = true
    return box.value
  }

  /// One operation against `store`; `done` runs once, on the store's thread, with the answer
  /// and, for a revocation that reached the store, how many sessions it ended.
  private static func perform(
    service: SessionService, store: any SessionStore, method: HTTPMethod, user: String, userKey: String,
    hash: String?, log: @escaping (String, String) -> Void, _ done: @escaping (AdminResponse, Int?) -> Void
  ) {
    let now = service.now()
    switch (method, hash) {
    case (.delete, nil):
      store.revokeAll(userKey: userKey) { result in
        guard case .success(let keys) = result else {
          // Which sessions live on is unknown here (the listing is a read): reported, not remembered.
          service.reportWriteFailure(.revokeAll, sessionHash: "*", log: log)
          return done(unavailable, nil)
        }
        for key in keys { service.cache.invalidate(storeKey: key) }
        service.metrics.destroyed(.revoked, count: keys.count)
        service.events?.destroyed(nil, reason: "revoked", count: keys.count)
        done(.json(200, #"{"revoked":\#(keys.count)}"#), keys.count)
      }
    case (.delete, .some(let hash)):
      store.list(userKey: userKey, now: now) { result in
        guard case .success(let summaries) = result else { return done(unavailable, nil) }
        guard let match = summaries.first(where: { $0.hash == hash }) else {
          return done(.json(404, #"{"error":"no such session"}"#), 0)
        }
        store.destroy(storeKey: match.storeKey, userKey: userKey) { result in
          guard case .success(let existed) = result else {
            service.reportWriteFailure(.revoke, sessionHash: hash, log: log)
            if let idHash = SessionIDHash(storeKey: match.storeKey) {
              service.rememberRevoked(
                idHash, keys: .init(storeKey: match.storeKey, userKey: userKey), record: nil)
            }
            return done(unavailable, nil)
          }
          service.cache.invalidate(storeKey: match.storeKey)
          if existed {
            service.metrics.destroyed(.revoked)
            service.events?.destroyed(nil, reason: "revoked")
          }
          done(.json(200, #"{"revoked":\#(existed ? 1 : 0)}"#), existed ? 1 : 0)
        }
      }
    default:
      store.list(userKey: userKey, now: now) { result in
        guard case .success(let summaries) = result else { return done(unavailable, nil) }
        done(.json(200, listing(user: user, summaries)), nil)
      }
    }
  }

  /// The security event of one revocation: who (token id), whom (the user's keyed hash, never
  /// the user id), which session, how many ended, or that the store did not answer.
  static func revocationEvent(
    caller: AdminCaller, service: SessionService, user: String, hash: String?, _ response: AdminResponse,
    _ revoked: Int?
  ) -> AdminEvent {
    var fields = [("user_hash", Hex.encode(service.keyRing.userTag(for: user)))]
    if let hash { fields.append(("session", hash)) }
    fields.append(("scope", hash == nil ? "all" : "one"))
    if let revoked {
      fields.append(("count", String(revoked)))
      fields.append(("result", response.status == 404 ? "no_such_session" : "revoked"))
    } else {
      fields.append(("result", "store_unavailable"))
    }
    return AdminEvent(kind: "admin_sessions_revoked", caller: caller, fields: fields)
  }

  static func listing(user: String, _ summaries: [SessionSummary]) -> String {
    var out = "{\"user\":" + jsonString(user) + ",\"sessions\":["
    for (index, summary) in summaries.enumerated() {
      if index > 0 { out += "," }
      out += "{\"hash\":" + jsonString(summary.hash)
      out += ",\"created\":" + jsonString(Timestamp.iso8601(nanos: summary.created))
      out += ",\"last_access\":" + jsonString(Timestamp.iso8601(nanos: summary.lastAccess))
      out += ",\"expires\":" + jsonString(Timestamp.iso8601(nanos: summary.expiresAt))
      out += ",\"ip_prefix\":" + jsonString(summary.ipPrefix)
      out += ",\"user_agent\":" + jsonString(summary.userAgent) + "}"
    }
    return out + "]}"
  }

  static func jsonString(_ text: String) -> String { JSONString.quoted(text) }

  /// A percent-decoded query parameter.
  static func queryValue(_ name: String, in query: [UInt8]) -> String? {
    for pair in query.split(separator: UInt8(ascii: "&")) {
      guard let equals = pair.firstIndex(of: UInt8(ascii: "=")) else { continue }
      guard String(decoding: pair[pair.startIndex..<equals], as: UTF8.self) == name else { continue }
      var out: [UInt8] = []
      var index = equals + 1
      while index < pair.endIndex {
        let byte = pair[index]
        if byte == UInt8(ascii: "%"), index + 2 < pair.endIndex,
          let value = UInt8(String(decoding: pair[(index + 1)...(index + 2)], as: UTF8.self), radix: 16)
        {
          out.append(value)
          index += 3
        } else {
          out.append(byte == UInt8(ascii: "+") ? 0x20 : byte)
          index += 1
        }
      }
      return String(decoding: out, as: UTF8.self)
    }
    return nil
  }
}

/// The answer a synchronous store left for `SessionAdmin.respond`. Single-threaded use.
final class AdminAnswerBox {
  var value: AdminResponse?
  var returned = false
}
