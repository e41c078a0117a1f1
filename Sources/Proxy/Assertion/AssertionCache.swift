import JWT
import Sessions
import Synchronization

/// The signed assertions of every worker, so that an authenticated request costs one lookup
/// under an uncontended lock, not a signature — and every worker hands out the same assertion
/// for a session generation. Keyed by what the assertion speaks for, in a fixed-size key: a
/// session's id hash and generation (a rotation or elevation makes a new generation, so its
/// assertion is never served again) or a token's `TokenHash` (the verified-token cache's
/// identity). An entry is used until half its lifetime has passed; the table is emptied when it
/// reaches `capacity` (a bound, not an LRU: an entry costs one signature to make again).
/// Thread-safe: one `Mutex`; every critical section is one dictionary probe or store.
final class AssertionCache: Sendable {
  enum Key: Hashable, Sendable {
    case session(SessionIDHash, generation: UInt64)
    case token(TokenHash)
  }

  struct Entry: Sendable {
    /// The whole header line the app receives, `name: value\r\n`, rendered once.
    let line: [UInt8]
    /// Wall seconds after which the assertion is signed again (iat + ttl/2).
    let renewAt: Int64
  }

  let capacity: Int
  private let entries = Mutex<[Key: Entry]>([:])

  init(capacity: Int = 65536) { self.capacity = capacity }

  var count: Int { entries.withLock { $0.count } }

  func lookup(_ key: Key, now: Int64) -> [UInt8]? {
    entries.withLock { table in
      guard let entry = table[key], now < entry.renewAt else { return nil }
      return entry.line
    }
  }

  func insert(_ key: Key, line: [UInt8], renewAt: Int64) {
    entries.withLock { table in
      if table.count >= capacity && table[key] == nil { table.removeAll(keepingCapacity: true) }
      table[key] = Entry(line: line, renewAt: renewAt)
    }
  }
}
