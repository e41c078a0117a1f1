import Crypto

/// One worker's cookie values whose ticket MAC already verified, with the decoded ticket: a
/// repeated cookie costs a keyed hash and a constant-time comparison of its bytes instead of
/// base64url, HMAC-SHA256 and SHA-256 (docs/performance.md).
///
/// What an entry proves is only "these exact bytes carry a valid ticket under this worker's key
/// ring": whether the session lives is still asked of the L1 cache or the store on every request,
/// so a revocation, eviction or logout is seen exactly as without this cache. Bounded by
/// construction: direct-mapped (`capacity` slots, a newer cookie replaces an older one in its
/// slot); an entry lives at most `maxAge` after it was verified and never past the deadline the
/// session's record gave it (`limit(_:to:)`). The cache belongs to one authenticator, whose key
/// ring cannot change (a new ring comes with a new authenticator and an empty cache). Only
/// cookies that verified are stored, so forged cookies cannot fill it.
///
/// Loop-thread only (one per worker's session authenticator).
public final class VerifiedTicketCache {
  /// What the upstream is told about a session, rendered once per record generation (a rotation
  /// or elevation brings a new ticket and a new generation; attributes never change otherwise).
  public struct Identity {
    public let generation: UInt64
    public let userID: String
    public let headers: [(String, String)]
    public let principalHash: String
    /// The session's unmasked CSRF token for this generation (`CSRFToken.base`); empty when CSRF
    /// is off. Kept here, with the entry, instead of in a per-worker table of every session.
    public let csrfBase: [UInt8]

    public init(
      generation: UInt64, userID: String, headers: [(String, String)], principalHash: String,
      csrfBase: [UInt8] = []
    ) {
      self.generation = generation
      self.userID = userID
      self.headers = headers
      self.principalHash = principalHash
      self.csrfBase = csrfBase
    }
  }

  /// One verified cookie value.
  public final class Entry {
    public let ticket: SessionTicket
    let cookie: [UInt8]
    let hash: Int
    var expiresAt: Int64
    /// The last User-Agent seen with this cookie and its SHA-256 (binding checks it per request).
    var userAgent: [UInt8]?
    var userAgentHash: [UInt8] = []
    /// The identity headers last rendered for this ticket (checked against the record's generation).
    public var identity: Identity?

    init(ticket: SessionTicket, cookie: [UInt8], hash: Int, expiresAt: Int64) {
      self.ticket = ticket
      self.cookie = cookie
      self.hash = hash
      self.expiresAt = expiresAt
    }

    /// SHA-256 of `userAgent`, remembered for the next request with the same header bytes.
    public func userAgentHash(_ userAgent: [UInt8]?) -> [UInt8] {
      if userAgent == self.userAgent && !userAgentHash.isEmpty { return userAgentHash }
      self.userAgent = userAgent
      userAgentHash = SHA256.hash(userAgent ?? [])
      return userAgentHash
    }
  }

  public let capacity: Int
  public let maxAge: Int64
  private var slots: [Entry?]
  /// Seeded per process from the CSPRNG, so a client cannot aim cookies at one slot.
  private let hasher = KeyedByteHash()

  /// `capacity` is rounded up to a power of two; `maxAge` in ns.
  /// `maxAge` may be long: an entry only stands for a MAC check (liveness is asked every request)
  /// and never outlives its session's deadline.
  public init(capacity: Int = 4096, maxAge: Int64 = 600 * SessionPolicy.nanosPerSecond) {
    precondition(capacity > 0 && maxAge > 0)
    var size = 1
    while size < capacity { size <<= 1 }
    self.capacity = size
    self.maxAge = maxAge
    slots = []
  }

  /// The verified entry for exactly these cookie bytes, if one is held and still fresh at `now`.
  public func lookup(_ cookie: UnsafeBufferPointer<UInt8>, now: Int64) -> Entry? {
    guard !slots.isEmpty else { return nil }
    let hash = keyedHash(cookie)
    guard let entry = slots[hash & (capacity - 1)], entry.hash == hash, entry.cookie.count == cookie.count
    else { return nil }
    let equal = entry.cookie.withUnsafeBufferPointer { ConstantTime.equals($0, cookie) }
    guard equal, now < entry.expiresAt else { return nil }
    return entry
  }

  /// Remembers that `cookie` verified as `ticket` at `now`; answers the entry.
  @discardableResult
  public func insert(_ cookie: UnsafeBufferPointer<UInt8>, ticket: SessionTicket, now: Int64) -> Entry {
    if slots.isEmpty { slots = Array(repeating: nil, count: capacity) }
    let hash = keyedHash(cookie)
    let entry = Entry(
      ticket: ticket, cookie: Array(cookie), hash: hash,
      expiresAt: now.addingReportingOverflow(maxAge).partialValue)
    slots[hash & (capacity - 1)] = entry
    return entry
  }

  /// Caps `entry`'s life at `deadline` (the session's own deadline); a deadline not after `now`
  /// drops it.
  public func limit(_ entry: Entry, to deadline: Int64, now: Int64) {
    entry.expiresAt = min(entry.expiresAt, deadline)
    if deadline <= now { remove(entry) }
  }

  /// Drops `entry` (its session ended or its check failed).
  public func remove(_ entry: Entry) {
    let slot = entry.hash & (capacity - 1)
    if !slots.isEmpty, slots[slot] === entry { slots[slot] = nil }
  }

  /// Drops everything.
  public func removeAll() { slots = [] }

  private func keyedHash(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
    Int(truncatingIfNeeded: hasher.hash(UnsafeRawBufferPointer(bytes)))
  }
}
