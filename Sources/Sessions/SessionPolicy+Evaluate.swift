import Crypto
public import Net

extension SessionPolicy {
  /// Judges `record` for a request at `now` from `clientIP` with `userAgent` (the header's bytes,
  /// nil when absent). Order: absolute deadline, idle deadline, IP binding, User-Agent binding; the
  /// first failure wins. Binding parts the record does not carry (binding was off at login) are
  /// not checked; parts switched off in this policy are not checked either.
  public func evaluate(record: SessionRecord, now: Int64, clientIP: IPAddress, userAgent: [UInt8]?)
    -> Decision
  {
    evaluate(record: record, now: now, clientIP: clientIP) { SHA256.hash(userAgent ?? []) }
  }

  /// `evaluate` with the User-Agent's SHA-256 from `userAgentHash` (called only when the binding
  /// needs it; a caller may remember the hash of header bytes it saw before).
  public func evaluate(
    record: SessionRecord, now: Int64, clientIP: IPAddress, userAgentHash: () -> [UInt8]
  ) -> Decision {
    if absoluteTimeout > 0 && now >= record.absoluteDeadline { return .expiredAbsolute }
    if idleTimeout > 0 && now >= idleDeadline(record) { return .expiredIdle }
    if bindIP, let prefix = record.binding.ipPrefix, !prefix.contains(clientIP) {
      return .bindingMismatch(.ipAddress)
    }
    if bindUserAgent, let expected = record.binding.userAgentHash,
      !ConstantTime.equals(expected, userAgentHash())
    {
      return .bindingMismatch(.userAgent)
    }
    let needsTouch = touchInterval <= 0 || now - record.lastAccess >= touchInterval
    let needsRotation = rotationInterval > 0 && now - record.lastRotation >= rotationInterval
    return .valid(needsTouch: needsTouch, needsRotation: needsRotation)
  }

  /// `lastAccess + idleTimeout`, or `Int64.max` when idle expiry is off.
  public func idleDeadline(_ record: SessionRecord) -> Int64 {
    idleTimeout > 0 ? record.lastAccess.addingReportingOverflow(idleTimeout).partialValue : Int64.max
  }

  /// The instant the session dies unless touched: min(idle deadline, absolute deadline). Stores
  /// expire entries here and the L1 cache never keeps an entry past it.
  public func expiresAt(_ record: SessionRecord) -> Int64 {
    min(idleDeadline(record), absoluteTimeout > 0 ? record.absoluteDeadline : Int64.max)
  }

  /// The binding for a new session from this client (per this policy's switches and prefixes);
  /// `fingerprint` holds the values of `bindFingerprint`'s headers, in its order.
  public func binding(clientIP: IPAddress, userAgent: [UInt8]?, fingerprint: [[UInt8]?] = [])
    -> SessionBinding
  {
    var binding = SessionBinding()
    if bindIP {
      binding.ipPrefix = CIDR(clientIP, prefixLength: clientIP.isIPv4 ? ipv4Prefix : ipv6Prefix)
    }
    if bindUserAgent { binding.userAgentHash = SHA256.hash(userAgent ?? []) }
    if !bindFingerprint.isEmpty && fingerprint.count == bindFingerprint.count {
      binding.fingerprint = SessionFingerprint(
        headers: bindFingerprint, values: fingerprint,
        key: SecureRandom.bytes(SessionFingerprint.keyByteCount))
    }
    return binding
  }

  /// A new record for a login at `now` (fresh CSRF secret from the CSPRNG).
  public func newRecord(
    userID: String, attributes: [String: String], now: Int64, clientIP: IPAddress, userAgent: [UInt8]?,
    fingerprint: [[UInt8]?] = []
  ) -> SessionRecord {
    SessionRecord(
      userID: userID, attributes: attributes, created: now, lastAccess: now,
      absoluteDeadline: absoluteTimeout > 0 ? now + absoluteTimeout : Int64.max, lastRotation: now,
      binding: binding(clientIP: clientIP, userAgent: userAgent, fingerprint: fingerprint),
      csrfSecret: SecureRandom.bytes(SessionRecord.csrfSecretByteCount))
  }

  /// The record after a touch at `now`.
  public func touched(_ record: SessionRecord, now: Int64) -> SessionRecord {
    var copy = record
    copy.lastAccess = max(record.lastAccess, now)
    return copy
  }

  /// The record after an id rotation at `now` (also used by elevation): generation + 1.
  public func rotated(_ record: SessionRecord, now: Int64) -> SessionRecord {
    var copy = record
    copy.lastRotation = now
    copy.lastAccess = max(record.lastAccess, now)
    copy.generation &+= 1
    return copy
  }
}
