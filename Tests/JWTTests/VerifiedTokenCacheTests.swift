import JWT
import XCTest

/// The tables below give every entry the same signature bytes unless they name others.
extension VerifiedTokenCache {
  static let testSignature = Array(".c2lnbmF0dXJl".utf8)

  func insert(
    tokenHash: TokenHash, signature: [UInt8] = testSignature, token: VerifiedToken, generation: UInt64,
    now: Int64
  ) {
    signature.withUnsafeBufferPointer {
      insert(tokenHash: tokenHash, signature: $0, token: token, generation: generation, now: now)
    }
  }

  func lookup(tokenHash: TokenHash, signature: [UInt8] = testSignature, now: Int64, generation: UInt64)
    -> VerifiedToken?
  {
    signature.withUnsafeBufferPointer {
      lookup(tokenHash: tokenHash, signature: $0, now: now, generation: generation)
    }
  }
}

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

  /// The key covers the signing input only: the signature is held and must match in full. Any
  /// other signature bytes — one changed, one missing, one more, none — miss and leave the entry
  /// for its own token; a second valid signature for the same signing input replaces it.
  func testSignatureIsComparedInFull() {
    let cache = VerifiedTokenCache(capacity: 8)
    let signature = Array(".c2lnbmF0dXJl".utf8)
    cache.insert(tokenHash: hash(1), signature: signature, token: token("a"), generation: 1, now: 0)
    var changed = signature
    changed[changed.count - 1] ^= 1
    var first = signature
    first[1] ^= 1
    let others: [(String, [UInt8])] = [
      ("last byte changed", changed), ("first signature byte changed", first),
      ("one byte shorter", Array(signature.dropLast())), ("one byte longer", signature + [0x41]),
      ("no signature", []), ("dot only", [UInt8(ascii: ".")]),
    ]
    for (name, other) in others {
      XCTAssertNil(cache.lookup(tokenHash: hash(1), signature: other, now: 0, generation: 1), name)
      XCTAssertEqual(
        cache.lookup(tokenHash: hash(1), signature: signature, now: 0, generation: 1)?.subject, "a",
        "\(name): the entry stays")
    }
    let second = Array(".YW5vdGhlcg".utf8)
    cache.insert(tokenHash: hash(1), signature: second, token: token("b"), generation: 1, now: 0)
    XCTAssertEqual(cache.lookup(tokenHash: hash(1), signature: second, now: 0, generation: 1)?.subject, "b")
    XCTAssertNil(cache.lookup(tokenHash: hash(1), signature: signature, now: 0, generation: 1))
    XCTAssertEqual(cache.count, 1)
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
