/// # Sessions
///
/// The session half of Gatehouse, without I/O: ticket codec, sealed records, policy, CSRF, the
/// `SessionStore` protocol with its memory implementation, and the L1 cache. `Proxy` wires it to
/// connections; the Redis store implements the same protocol on the loop.
///
/// ## Request flow (enforcement)
///
/// 1. **Ticket** — the cookie value. `SessionTicket.decode(_:keyRing:)` checks length, base64url,
///    version and the HMAC under every `TicketKeyRing` key, constant-time, before anything else:
///    a forged or truncated cookie never reaches a cache or store (`SessionError.Kind` names why).
/// 2. **Cache** — `SessionCache.lookup(ticket.idHash, now:)`: an unsealed record, valid until
///    min(the session's own deadline, max TTL). A hit skips steps 3–4.
/// 3. **Store** — `SessionStore.load(storeKey: ticket.storeKey, …)`. The key is
///    `s:{<user tag>}:<SHA-256(id)>`, never the id. `.forwarded` means the id was rotated less than
///    `rotationGrace` ago: open the forwarding record with the old ticket
///    (`SealedRecord.openForwarding(with:)`), load the successor and send its ticket in `Set-Cookie`.
/// 4. **Unseal** — `SessionRecord(unsealing:for:)`: AES-256-GCM under a key derived from the
///    ticket's secret, with the store key as associated data. Take `lastAccess` from the store's
///    summary (touches move it without resealing), then cache the record.
/// 5. **Policy** — `SessionPolicy.evaluate(record:now:clientIP:userAgent:)`: absolute, idle, IP
///    subnet, User-Agent; `.valid(needsTouch:needsRotation:)` tells the caller to `touch` (at most once
///    per `touchInterval`) or `rotate` (new ticket, new store key, forwarding left behind).
/// 6. **CSRF** — on unsafe methods (not `HTTPMethod.isSafe`), `CSRFPolicy.crossSiteCheck` and then
///    `CSRFToken.verify` against the record's `csrfSecret` (header, or `CSRFPolicy.formField`).
///
/// ## Lifecycle
///
/// Login: `SessionTicket.issue`, `SessionPolicy.newRecord`, `SessionRecord.sealed(for:)`,
/// `SessionSummary(ticket:record:policy:userAgent:)`, `SessionStore.create` with the per-user cap
/// (invalidate evicted keys in L1). Rotation/elevation: a new ticket for the same user,
/// `SessionPolicy.rotated`, `SealedRecord.forwarding(to:from:)`, `SessionStore.rotate`; when a
/// concurrent rotation won (`.alreadyRotated`), use its successor. Logout: `destroy` or `revokeAll`,
/// then invalidate L1.
///
/// ## Time and threading
///
/// Every time is wall-clock nanoseconds since the Unix epoch passed in by the caller (`now`); no
/// function here reads a clock, so tests drive a fake one. Deadlines are exclusive: dead at the
/// deadline itself. Value types are immutable or plain values; `MemorySessionStore` and
/// `SessionCache` are shared by all workers and guarded by a `Mutex` each.
public enum Sessions {
  /// Version of the ticket, record and sealed formats this build writes.
  public static let formatVersion: UInt8 = 1
}
