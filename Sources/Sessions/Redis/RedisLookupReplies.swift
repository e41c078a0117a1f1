import CHiredis

/// The script-free lookup's three replies (`ZSCORE`, `HMGET … t v c a e i u h n f`, `TIME`),
/// read in place into what `RedisSessionStore.lookup` decides on, and the lookup's completion:
/// its own pending command (the adapter's queue entry), so one object per lookup and no
/// closure. Loop-thread only.
final class RedisLookupReplies: RedisPendingCommand {
  /// The store's `onLoad` when the lookup was sent (taken then, not through a `weak` store: a
  /// weak reference gives the store a side table and costs a slow retain per lookup).
  private let onLoad: ((RedisLoadPath) -> Void)?
  private let storeKey: String
  private let completion: (Result<LoadOutcome, SessionError>) -> Void

  /// The member's score, nil when it is not in the index (or did not parse).
  private(set) var score: Double?
  /// `t`: "s" live, "f" forwarding, anything else (nil) gone.
  private(set) var type: UInt8?
  /// v, c, a, e, i, u, h for a live session; n, f for a forwarding record (the sealed values
  /// parsed straight from the reply).
  private(set) var sealed: Result<SealedRecord, SessionError>?
  private(set) var created: Int64?
  private(set) var lastAccess: Int64?
  private(set) var expiresAt: Int64?
  private(set) var ip: String?
  private(set) var userAgent: String?
  private(set) var hash: String?
  private(set) var successor: String?
  private(set) var forward: Result<SealedRecord, SessionError>?
  /// The server clock (`TIME`) in µs.
  private(set) var serverMicros: Double?
  /// Every reply had the expected shape.
  private(set) var wellFormed = true

  init(
    store: RedisSessionStore, storeKey: String,
    completion: @escaping (Result<LoadOutcome, SessionError>) -> Void
  ) {
    self.onLoad = store.onLoad
    self.storeKey = storeKey
    self.completion = completion
    super.init(readingInPlace: 3)  // ZSCORE, HMGET, TIME (`RedisLookupCommands`)
  }

  override func finished(_ error: RedisError?) {
    onLoad?(.master)
    if let error {
      completion(.failure(SessionError(.storeUnavailable, error.description)))
      return
    }
    completion(
      RedisSessionStore.lookupOutcome(storeKey: storeKey, self)
        ?? .failure(SessionError(.storeUnavailable, "unexpected redis reply")))
  }

  override func read(_ index: Int, _ reply: UnsafePointer<redisReply>) {
    switch index {
    case 0: readScore(reply)
    case 1: readFields(reply)
    case 2: readTime(reply)
    default: wellFormed = false
    }
  }

  private func readScore(_ reply: UnsafePointer<redisReply>) {
    guard reply.pointee.type != REDIS_REPLY_NIL else { return }
    guard let bytes = reply.replyBytes else { return wellFormed = false }
    // Deadlines are whole µs (16 digits since 2001): read them as integers. `Double(_:)` of an
    // integer rounds to nearest, as strtod does (exact below 2^53); anything else (a fraction,
    // an exponent, "inf", more than 19 digits) goes through the full parser.
    if let whole = RedisSessionStore.parseDecimal(bytes) {
      score = Double(whole)
      return
    }
    score = Double(String(decoding: bytes, as: UTF8.self))
    if score == nil { wellFormed = false }
  }

  private func readFields(_ reply: UnsafePointer<redisReply>) {
    guard reply.replyElementCount == 10 else { return wellFormed = false }
    func field(_ i: Int) -> UnsafeRawBufferPointer? { reply.replyElement(i)?.replyBytes }
    guard let t = field(0), t.count == 1 else { return }  // no key, or not ours: gone
    type = t[0]
    switch t[0] {
    case UInt8(ascii: "s"):
      guard let v = field(1), let c = field(2), let a = field(3), let e = field(4), let i = field(5),
        let u = field(6), let h = field(7)
      else { return wellFormed = false }
      sealed = RedisSessionStore.sealed(v)
      created = RedisSessionStore.parseDecimal(c)
      lastAccess = RedisSessionStore.parseDecimal(a)
      expiresAt = RedisSessionStore.parseDecimal(e)
      ip = String(decoding: i, as: UTF8.self)
      userAgent = String(decoding: u, as: UTF8.self)
      hash = String(decoding: h, as: UTF8.self)
      if created == nil || lastAccess == nil || expiresAt == nil { wellFormed = false }
    case UInt8(ascii: "f"):
      guard let n = field(8), let f = field(9) else { return wellFormed = false }
      successor = String(decoding: n, as: UTF8.self)
      forward = RedisSessionStore.sealed(f)
    default:
      return
    }
  }

  private func readTime(_ reply: UnsafePointer<redisReply>) {
    guard reply.replyElementCount == 2, let s = reply.replyElement(0)?.replyBytes,
      let us = reply.replyElement(1)?.replyBytes, let seconds = RedisSessionStore.parseDecimal(s),
      let micros = RedisSessionStore.parseDecimal(us)
    else { return wellFormed = false }
    serverMicros = Double(seconds) * 1_000_000 + Double(micros)
  }
}
