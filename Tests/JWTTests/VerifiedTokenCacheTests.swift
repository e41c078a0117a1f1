import JWT
import XCTest

final class VerifiedTokenCacheTests: XCTestCase {
  func token(_ sub: String, exp: Int64 = 2_000) -> VerifiedToken {
    VerifiedToken(issuer: "i", subject: sub, expiresAt: exp, kid: nil, claims: ["sub": .string(sub)])
  }

  func hash(_ n: UInt64) -> TokenHash { TokenHash(w0: n, w1: 0, w2: 0, w3: 0) }

  func testHitMissExpiryAndGeneration() {
    let cache = VerifiedTokenCache(capacity: 8)
    cache.insert(tokenHash: hash(1), token: token("a", exp: 1_000), generation: 5, now: 100)
    let cases: [(name: String, hash: UInt64, now: Int64, generation: UInt64, hit: Bool)] = [
      ("hit", 1, 500, 5, true),
      ("hit at exp", 1, 1_000, 5, true),
      ("other hash", 2, 500, 5, false),
      ("newer generation misses (and frees)", 1, 500, 6, false),
      ("gone after generation miss", 1, 500, 5, false),
    ]
    for c in cases {
      let found = cache.lookup(tokenHash: hash(c.hash), now: c.now, generation: c.generation)
      XCTAssertEqual(found != nil, c.hit, c.name)
    }
    cache.insert(tokenHash: hash(3), token: token("b", exp: 1_000), generation: 5, now: 100)
    XCTAssertNil(cache.lookup(tokenHash: hash(3), now: 1_001, generation: 5), "past exp")
    XCTAssertEqual(cache.count, 0, "expired entry freed")
    cache.insert(tokenHash: hash(4), token: token("c", exp: 1_000), generation: 5, now: 1_001)
    XCTAssertEqual(cache.count, 0, "already expired token not stored")
  }

  func testClockEvictionKeepsReferencedEntries() {
    let cache = VerifiedTokenCache(capacity: 3)
    for n in UInt64(1)...3 { cache.insert(tokenHash: hash(n), token: token("t\(n)"), generation: 1, now: 0) }
    // 1 and 3 are used again; 2 is not, so it is the one to go.
    XCTAssertNotNil(cache.lookup(tokenHash: hash(1), now: 0, generation: 1))
    XCTAssertNotNil(cache.lookup(tokenHash: hash(3), now: 0, generation: 1))
    cache.insert(tokenHash: hash(4), token: token("t4"), generation: 1, now: 0)
    let present = (1...4).map { cache.lookup(tokenHash: hash(UInt64($0)), now: 0, generation: 1) != nil }
    XCTAssertEqual(present, [true, false, true, true], "CLOCK evicts the unreferenced entry")
    XCTAssertEqual(cache.count, 3, "bounded")
  }

  func testBoundedUnderChurn() {
    let cache = VerifiedTokenCache(capacity: 16)
    for n in 0..<1_000 {
      cache.insert(tokenHash: hash(UInt64(n)), token: token("t"), generation: 1, now: 0)
      if n % 3 == 0 { _ = cache.lookup(tokenHash: hash(UInt64(n)), now: 0, generation: 1) }
    }
    XCTAssertEqual(cache.count, 16)
    XCTAssertNotNil(cache.lookup(tokenHash: hash(999), now: 0, generation: 1), "latest insert present")
    cache.removeAll()
    XCTAssertEqual(cache.count, 0)
  }

  func testTokenHashIsSHA256OfToken() {
    XCTAssertEqual(
      TokenHash(token: Array("abc".utf8)),
      TokenHash(
        w0: 0xba78_16bf_8f01_cfea, w1: 0x4141_40de_5dae_2223, w2: 0xb003_61a3_9617_7a9c,
        w3: 0xb410_ff61_f200_15ad))
  }

  func testConcurrentUse() {
    let cache = VerifiedTokenCache(capacity: 64)
    DispatchQueue.concurrentPerform(iterations: 8) { worker in
      for n in 0..<500 {
        let key = TokenHash(w0: UInt64(n % 100), w1: 0, w2: 0, w3: 0)
        cache.insert(
          tokenHash: key,
          token: VerifiedToken(issuer: "i", subject: "\(worker)", expiresAt: 10, kid: nil, claims: [:]),
          generation: 1, now: 0)
        _ = cache.lookup(tokenHash: key, now: 0, generation: 1)
      }
    }
    XCTAssertLessThanOrEqual(cache.count, 64)
  }
}
