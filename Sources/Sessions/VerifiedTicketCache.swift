import Crypto

/// One worker's cookie values whose ticket MAC already verified, with the decoded ticket: a
/// repeated cookie costs a keyed hash and a constant-time comparison of its bytes instead of
/// base64url, HMAC-SHA256 and SHA-256 (docs/performance.md).
///
/// What an entry proves is only "these exact bytes carry a valid ticket under this worker's key
/// ring": whether the session lives is still asked of the L1 cache or the store on every request,
/// so a revocation, eviction or logout is seen exactly as without this cache. Bounded by
/// construction: `capacity` slots in sets of up to 16 ways (a newer cookie replaces the entry of
/// its set that ends soonest); an entry lives at most `maxAge` after it was verified and never past the deadline the
/// session's record gave it (`limit(_:to:)`). The cache belongs to one authenticator, whose key
/// ring cannot change (a new ring comes with a new authenticator and an empty cache). Only
/// cookies that verified are stored, so forged cookies cannot fill it.
///
/// Loop-thread only (one per worker's session authenticator).
public final class VerifiedTicketCache {
  /// What the upstream is told about a session, rendered once per record generation (a rotation
  /// or elevation brings a new ticket and a new generation; attributes never change otherwise).
  public final class Identity: Sendable {
    public let generation: UInt64
    public let userID: String
    /// The identity header lines as the app receives them (`name: value\r\n` each).
    public let lines: [UInt8]
    /// `name: ` of the CSRF header (its value is new per request), empty when CSRF is off.
    public let csrfName: [UInt8]
    /// The CSRF secret the base was made from, and the unmasked CSRF token of this generation
    /// (`CSRFToken.base`, empty when CSRF is off).
    public let csrfSecret: [UInt8]
    public let csrfBase: [UInt8]
    public let principalHash: String

    public init(
      generation: UInt64, userID: String, lines: [UInt8], csrfName: [UInt8], csrfSecret: [UInt8],
      csrfBase: [UInt8], principalHash: String
    ) {
      self.csrfSecret = csrfSecret
      self.generation = generation
      self.userID = userID
      self.lines = lines
      self.csrfName = csrfName
      self.csrfBase = csrfBase
      self.principalHash = principalHash
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
    public var identity: Identity? {
      didSet { identitySession = nil }
    }
    /// The session `identity` was last checked against (generation, user and CSRF secret equal):
    /// a request in the same session object needs no new check, which would read four more
    /// places in memory (docs/performance.md, "Session L1 hit, round 6"). Held strongly, so the
    /// object cannot be freed and another take its address; reset when `identity` changes.
    public var identitySession: ActiveSession?
    /// The L1 record last decoded for this ticket (as the session of `ticket`) and the
    /// cache-form bytes it came from.
    private var recordBytes: [UInt8] = []
    private var decoded: ActiveSession?
    /// The key that opens this ticket's sealed records, derived on first use (`recordKey`).
    private var sealingKey: [UInt8] = []

    init(ticket: SessionTicket, cookie: [UInt8], hash: Int, expiresAt: Int64) {
      self.ticket = ticket
      self.cookie = cookie
      self.hash = hash
      self.expiresAt = expiresAt
    }

    deinit { SecureWipe.bytes(&sealingKey) }

    /// `body` with the ticket borrowed where the entry holds it (a copy costs a retain per
    /// array and string inside; docs/performance.md, "Session L1 hit, round 6").
    @inlinable
    public func withTicket<R>(_ body: (borrowing SessionTicket) throws -> R) rethrows -> R {
      try body(ticket)
    }

    /// The key that opens the ticket's sealed records (`SealedRecord.key(secret:purpose: .record)`),
    /// derived on the first store answer and kept: a repeated cookie whose record comes from the
    /// store (L1 off or missed) derives nothing (an HMAC-SHA256 per request before). It stands
    /// for nothing the entry does not already hold (the ticket carries the secret) and is wiped
    /// when the entry goes (docs/performance.md, "Session from Redis, round 4").
    public var recordKey: [UInt8] {
      if sealingKey.isEmpty { sealingKey = SealedRecord.key(secret: ticket.secret, purpose: .record) }
      return sealingKey
    }

    /// SHA-256 of `userAgent`, remembered for the next request with the same header bytes.
    public func userAgentHash(_ userAgent: ArraySlice<UInt8>?) -> [UInt8] {
      if !userAgentHash.isEmpty && Self.same(userAgent, self.userAgent) { return userAgentHash }
      self.userAgent = userAgent.map { Array($0) }
      userAgentHash = userAgent.map { $0.withUnsafeBytes { SHA256.hash($0) } } ?? SHA256.hash([])
      return userAgentHash
    }

    private static func same(_ a: ArraySlice<UInt8>?, _ b: [UInt8]?) -> Bool {
      guard let a, let b else { return a == nil && b == nil }
      guard a.count == b.count else { return false }
      return a.withUnsafeBufferPointer { a in b.withUnsafeBufferPointer { b in ConstantTime.equals(a, b) } }
    }

    /// The session for the record the L1 cache holds as `bytes` (`SessionCache.lookupSession`,
    /// the record's cache form): the one decoded last time when the bytes are equal, else parsed
    /// and remembered. Sound because a record is a function of its bytes: every change to a
    /// session (touch, rotation, vault, elevation) caches new bytes. Nil for bytes that do not
    /// parse.
    public func session(cacheForm bytes: UnsafeRawBufferPointer) -> ActiveSession? {
      let view = bytes.assumingMemoryBound(to: UInt8.self)
      if let decoded, view.count == recordBytes.count,
        recordBytes.withUnsafeBufferPointer({ ConstantTime.equals(view, $0) })
      {
        return decoded
      }
      guard let record = try? SessionRecord(cacheForm: bytes) else { return nil }
      let session = ActiveSession(ticket: ticket, record: record)
      recordBytes = Array(view)
      decoded = session
      return session
    }
  }

  public let capacity: Int
  public let maxAge: Int64
  /// Slots per set (a power of two, at most `capacity`).
  public let ways: Int
  private var slots: [Entry?]
  /// The keyed hash of each slot's entry, scanned before an entry is touched.
  private var hashes: [Int]
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
    self.ways = min(size, 16)
    self.maxAge = maxAge
    slots = []
    hashes = []
  }

  /// The verified entry for exactly these cookie bytes, if one is held and still fresh at `now`.
  public func lookup(_ cookie: UnsafeBufferPointer<UInt8>, now: Int64) -> Entry? {
    guard !slots.isEmpty else { return nil }
    let hash = keyedHash(cookie)
    let first = set(hash)
    for slot in first..<(first + ways) where hashes[slot] == hash {
      if let entry = match(slots[slot], cookie, now) { return entry }
    }
    return nil
  }

  private func match(_ entry: Entry?, _ cookie: UnsafeBufferPointer<UInt8>, _ now: Int64) -> Entry? {
    guard let entry, entry.cookie.count == cookie.count else { return nil }
    let equal = entry.cookie.withUnsafeBufferPointer { ConstantTime.equals($0, cookie) }
    guard equal, now < entry.expiresAt else { return nil }
    return entry
  }

  /// Remembers that `cookie` verified as `ticket` at `now`; answers the entry. In its set it
  /// replaces an entry with the same hash, else an empty slot, else the entry that ends soonest.
  @discardableResult
  public func insert(_ cookie: UnsafeBufferPointer<UInt8>, ticket: SessionTicket, now: Int64) -> Entry {
    if slots.isEmpty {
      slots = Array(repeating: nil, count: capacity)
      hashes = Array(repeating: 0, count: capacity)
    }
    let hash = keyedHash(cookie)
    let entry = Entry(
      ticket: ticket, cookie: Array(cookie), hash: hash,
      expiresAt: now.addingReportingOverflow(maxAge).partialValue)
    let first = set(hash)
    var chosen = first
    var chosenEnds = Int64.max
    for slot in first..<(first + ways) {
      guard let held = slots[slot] else {
        if chosenEnds != Int64.min { (chosen, chosenEnds) = (slot, Int64.min) }
        continue
      }
      if held.hash == hash {
        chosen = slot
        break
      }
      if held.expiresAt < chosenEnds { (chosen, chosenEnds) = (slot, held.expiresAt) }
    }
    slots[chosen] = entry
    hashes[chosen] = hash
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
    guard !slots.isEmpty else { return }
    let first = set(entry.hash)
    for slot in first..<(first + ways) where slots[slot] === entry {
      slots[slot] = nil
      hashes[slot] = 0
    }
  }

  /// The first of the `ways` slots a hash may occupy. Sets of several ways: with two, a working
  /// set of 10,000 cookies cycled through 16,384 slots missed one request in three (three or more
  /// cookies met in a set and evicted each other on every round); with sixteen, about one in
  /// thirty (docs/performance.md, "Verified-ticket cache size").
  private func set(_ hash: Int) -> Int { hash & (capacity - 1) & ~(ways - 1) }

  /// Drops everything.
  public func removeAll() {
    slots = []
    hashes = []
  }

  private func keyedHash(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
    Int(truncatingIfNeeded: hasher.hash(UnsafeRawBufferPointer(bytes)))
  }
}
