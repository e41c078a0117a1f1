import HTTP1
import Sessions

/// The session admin API on the admin listener (token-protected like `/metrics`):
///
///     GET    /sessions?user=ID          the user's live sessions (metadata only, never a ticket)
///     DELETE /sessions/HASH?user=ID     revoke one session (HASH from the listing / X-Session-Hash)
///     DELETE /sessions?user=ID          revoke every session of the user
///
/// Revocations take effect on the next request (the L1 cache entries are dropped here).
/// Runs on the admin thread; the memory store answers synchronously. Thread-safe.
final class SessionAdmin: Sendable {
  let service: SessionService

  init(service: SessionService) { self.service = service }

  func respond(method: HTTPMethod, path: [UInt8], query: [UInt8]) -> AdminResponse {
    guard let user = Self.queryValue("user", in: query), !user.isEmpty else {
      return .json(400, #"{"error":"the user query parameter is required"}"#)
    }
    let userKey = service.keyRing.userKey(for: user)
    let pathText = String(decoding: path, as: UTF8.self)
    let hash = pathText.hasPrefix("/sessions/") ? String(pathText.dropFirst("/sessions/".count)) : nil
    let now = SessionService.now()
    switch (method, hash) {
    case (.get, nil), (.head, nil):
      var answer = AdminResponse.json(503, #"{"error":"session store unavailable"}"#)
      service.store.list(userKey: userKey, now: now) { result in
        guard case .success(let summaries) = result else { return }
        answer = .json(200, Self.listing(user: user, summaries))
      }
      return answer
    case (.delete, nil):
      var answer = AdminResponse.json(503, #"{"error":"session store unavailable"}"#)
      service.store.revokeAll(userKey: userKey) { [service] result in
        guard case .success(let keys) = result else { return }
        for key in keys { service.cache.invalidate(storeKey: key) }
        service.metrics.destroyed(.revoked, count: keys.count)
        answer = .json(200, #"{"revoked":\#(keys.count)}"#)
      }
      return answer
    case (.delete, .some(let hash)):
      var answer = AdminResponse.json(503, #"{"error":"session store unavailable"}"#)
      service.store.list(userKey: userKey, now: now) { [service] result in
        guard case .success(let summaries) = result else { return }
        guard let match = summaries.first(where: { $0.hash == hash }) else {
          answer = .json(404, #"{"error":"no such session"}"#)
          return
        }
        service.store.destroy(storeKey: match.storeKey, userKey: userKey) { result in
          guard case .success(let existed) = result else { return }
          service.cache.invalidate(storeKey: match.storeKey)
          if existed { service.metrics.destroyed(.revoked) }
          answer = .json(200, #"{"revoked":\#(existed ? 1 : 0)}"#)
        }
      }
      return answer
    default:
      return .text(405, "method not allowed", extraHeaders: [("Allow", "GET, HEAD, DELETE")])
    }
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

  static func jsonString(_ text: String) -> String {
    var line = LogLine(format: .json)
    line.add("v", text)
    let bytes = line.finish()
    // {"v":"..."}\n → "..."
    return String(decoding: bytes[5..<(bytes.count - 2)], as: UTF8.self)
  }

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
