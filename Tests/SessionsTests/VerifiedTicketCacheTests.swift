import Crypto
import XCTest

@testable import Sessions

final class VerifiedTicketCacheTests: XCTestCase {
  private func lookup(_ cache: VerifiedTicketCache, _ cookie: [UInt8], now: Int64) -> VerifiedTicketCache
    .Entry?
  {
    cookie.withUnsafeBufferPointer { cache.lookup($0, now: now) }
  }

  private func insert(_ cache: VerifiedTicketCache, _ cookie: [UInt8], _ ticket: SessionTicket, now: Int64)
    -> VerifiedTicketCache.Entry
  {
    cookie.withUnsafeBufferPointer { cache.insert($0, ticket: ticket, now: now) }
  }

  func testEntryKeepsItsTicketsRecordKey() throws {
    let cache = VerifiedTicketCache(capacity: 4)
    let ticket = fixedTicket(seed: 1)
    let entry = insert(cache, Array("cookie-1".utf8), ticket, now: 0)
    let key = entry.recordKey
    XCTAssertEqual(key, SealedRecord.key(secret: ticket.secret, purpose: .record), "derived from the ticket")
    XCTAssertEqual(entry.recordKey, key, "kept: the same key again")
    let record = sampleRecord()
    XCTAssertEqual(
      try SessionRecord(unsealing: record.sealed(for: ticket), for: ticket, key: key), record,
      "opens the ticket's records")
    let other = insert(cache, Array("cookie-2".utf8), fixedTicket(seed: 2), now: 0)
    XCTAssertThrowsError(
      try SessionRecord(unsealing: record.sealed(for: ticket), for: ticket, key: other.recordKey),
      "another entry's key does not")
  }

  func testOnlyTheExactBytesHitAndOnlyWhileFresh() {
    let cache = VerifiedTicketCache(capacity: 64, maxAge: minute)
    let ticket = fixedTicket(seed: 1)
    let cookie = Array(ticket.encode(keyRing: ring(keyA)).utf8)
    XCTAssertNil(lookup(cache, cookie, now: t0), "empty cache")
    insert(cache, cookie, ticket, now: t0)
    XCTAssertEqual(lookup(cache, cookie, now: t0 + second)?.ticket, ticket, "the same bytes hit")
    var changed = cookie
    changed[cookie.count / 2] ^= 0x01
    XCTAssertNil(lookup(cache, changed, now: t0 + second), "one byte different: no hit")
    XCTAssertNil(lookup(cache, Array(cookie.dropLast()), now: t0 + second), "a prefix: no hit")
    XCTAssertNil(lookup(cache, cookie, now: t0 + minute), "never older than maxAge")
  }

  func testSessionDeadlineAndRemovalEndAnEntry() {
    let cache = VerifiedTicketCache(capacity: 64, maxAge: hour)
    let ticket = fixedTicket(seed: 2)
    let cookie = Array(ticket.encode(keyRing: ring(keyA)).utf8)
    let entry = insert(cache, cookie, ticket, now: t0)
    cache.limit(entry, to: t0 + 5 * second, now: t0)
    XCTAssertNotNil(lookup(cache, cookie, now: t0 + 4 * second), "before the session's deadline")
    XCTAssertNil(lookup(cache, cookie, now: t0 + 5 * second), "not past the session's deadline")
    let again = insert(cache, cookie, ticket, now: t0)
    cache.remove(again)
    XCTAssertNil(lookup(cache, cookie, now: t0), "removed")
    insert(cache, cookie, ticket, now: t0)
    cache.removeAll()
    XCTAssertNil(lookup(cache, cookie, now: t0), "emptied")
  }

  func testBoundedAndUserAgentHashRemembered() {
    let cache = VerifiedTicketCache(capacity: 8, maxAge: hour)
    XCTAssertEqual(cache.capacity, 8)
    var cookies: [[UInt8]] = []
    for seed: UInt8 in 1...40 {
      let ticket = fixedTicket(seed: seed)
      let cookie = Array(ticket.encode(keyRing: ring(keyA)).utf8)
      cookies.append(cookie)
      insert(cache, cookie, ticket, now: t0)
    }
    let held = cookies.filter { lookup(cache, $0, now: t0) != nil }.count
    XCTAssertLessThanOrEqual(held, 8, "no more entries than slots")
    XCTAssertNotNil(lookup(cache, cookies[39], now: t0), "the newest is held")

    let entry = lookup(cache, cookies[39], now: t0)!
    for agent in [Array("a".utf8), Array("a".utf8), Array("b".utf8)] {
      XCTAssertEqual(entry.userAgentHash(agent[...]), SHA256.hash(agent), "the hash of what was sent")
    }
    XCTAssertEqual(entry.userAgentHash(nil), SHA256.hash([]), "no header hashes as empty")
  }

  func testDecodedSessionIsReusedOnlyForTheSameRecordBytes() throws {
    let cache = VerifiedTicketCache(capacity: 64, maxAge: hour)
    let ticket = fixedTicket(seed: 3)
    let entry = insert(cache, Array(ticket.encode(keyRing: ring(keyA)).utf8), ticket, now: t0)
    let record = sampleRecord()
    let bytes = try record.cacheForm()
    let first = try XCTUnwrap(session(entry, bytes))
    XCTAssertEqual(first.record, record)
    XCTAssertEqual(first.ticket, ticket, "the session of the entry's ticket")
    XCTAssertTrue(session(entry, bytes) === first, "the same bytes: the decoded session again")
    XCTAssertTrue(session(entry, Array(bytes)) === first, "equal bytes in another array: again")

    var touched = record
    touched.lastAccess += second
    let changed = try XCTUnwrap(session(entry, try touched.cacheForm()))
    XCTAssertFalse(changed === first, "a changed record is decoded afresh")
    XCTAssertEqual(changed.record.lastAccess, touched.lastAccess)
    var elevated = record
    elevated.generation += 1
    elevated.csrfSecret = Array(repeating: 7, count: SessionRecord.csrfSecretByteCount)
    XCTAssertEqual(
      session(entry, try elevated.cacheForm())?.record, elevated, "never a stale record")
    XCTAssertNil(session(entry, [0xFF, 0x00]), "bytes that do not parse: no session")
    XCTAssertEqual(session(entry, try elevated.cacheForm())?.record, elevated)
  }

  func testTheSessionAnIdentityWasCheckedForIsForgottenWhenTheIdentityChanges() throws {
    let cache = VerifiedTicketCache(capacity: 64, maxAge: hour)
    let ticket = fixedTicket(seed: 4)
    let entry = insert(cache, Array(ticket.encode(keyRing: ring(keyA)).utf8), ticket, now: t0)
    let held = try XCTUnwrap(session(entry, try sampleRecord().cacheForm()))
    func identity(_ generation: UInt64) -> VerifiedTicketCache.Identity {
      VerifiedTicketCache.Identity(
        generation: generation, userID: "u", lines: [], csrfName: [], csrfSecret: [], csrfBase: [],
        principalHash: "")
    }
    entry.identity = identity(1)
    entry.identitySession = held
    XCTAssertTrue(entry.identitySession === held)
    entry.identity = identity(2)
    XCTAssertNil(entry.identitySession, "a new identity was checked against no session yet")
  }

  func testTwoCookiesInOneSetAreBothHeldAndTheSoonerEndingOneIsReplaced() {
    // Capacity 2 is one set of two slots: every cookie falls in it.
    let cache = VerifiedTicketCache(capacity: 2, maxAge: hour)
    let tickets = (10...12).map { fixedTicket(seed: UInt8($0)) }
    let cookies = tickets.map { Array($0.encode(keyRing: ring(keyA)).utf8) }
    let first = insert(cache, cookies[0], tickets[0], now: t0)
    insert(cache, cookies[1], tickets[1], now: t0 + second)
    XCTAssertEqual(lookup(cache, cookies[0], now: t0 + second)?.ticket, tickets[0], "both held")
    XCTAssertEqual(lookup(cache, cookies[1], now: t0 + second)?.ticket, tickets[1], "both held")
    cache.limit(first, to: t0 + minute, now: t0 + second)
    insert(cache, cookies[2], tickets[2], now: t0 + 2 * second)
    XCTAssertNil(lookup(cache, cookies[0], now: t0 + 2 * second), "the entry that ends sooner made room")
    XCTAssertEqual(lookup(cache, cookies[1], now: t0 + 2 * second)?.ticket, tickets[1])
    XCTAssertEqual(lookup(cache, cookies[2], now: t0 + 2 * second)?.ticket, tickets[2])
    let again = insert(cache, cookies[2], tickets[2], now: t0 + 3 * second)
    XCTAssertTrue(
      lookup(cache, cookies[2], now: t0 + 3 * second) === again, "a cookie verified again replaces itself")
    XCTAssertEqual(lookup(cache, cookies[1], now: t0 + 3 * second)?.ticket, tickets[1], "not its neighbour")
    cache.remove(again)
    XCTAssertNil(lookup(cache, cookies[2], now: t0 + 3 * second), "removed from either slot")
  }

  /// The wall-clock benchmark cycles 10,000 sessions, one cookie per request: a cache smaller
  /// than that working set misses nearly every time (each cookie is evicted before it comes
  /// back), one sized for it hits nearly every time (sets of 16 ways: few sets overflow).
  func testCyclicWorkingSetHitsOnlyWhenTheCacheIsSizedForIt() {
    let ticket = fixedTicket(seed: 20)
    let cookies = (0..<10_000).map { n in
      Array("cookie-\(n)-".utf8) + Array(repeating: UInt8(ascii: "x"), count: 180)
    }
    func hits(capacity: Int) -> Int {
      let cache = VerifiedTicketCache(capacity: capacity, maxAge: hour)
      var hits = 0
      for round in 0..<3 {
        for (n, cookie) in cookies.enumerated() {
          let now = t0 + Int64(round * cookies.count + n)
          if lookup(cache, cookie, now: now) != nil {
            if round > 0 { hits += 1 }
          } else {
            _ = insert(cache, cookie, ticket, now: now)
          }
        }
      }
      return hits
    }
    let rounds = 2 * cookies.count
    XCTAssertLessThan(hits(capacity: 4096), rounds / 10, "4,096 slots: the 10,000 cookies evict each other")
    XCTAssertGreaterThan(hits(capacity: 16_384), rounds * 9 / 10, "16,384 slots hold the working set")
  }

  private func session(_ entry: VerifiedTicketCache.Entry, _ bytes: [UInt8]) -> ActiveSession? {
    bytes.withUnsafeBytes { entry.session(cacheForm: $0) }
  }
}
