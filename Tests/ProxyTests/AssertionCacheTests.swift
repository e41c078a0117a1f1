import JWT
import Sessions
import XCTest

@testable import Proxy

/// The shared assertion cache: keyed by session generation or token, renewed at half life,
/// bounded.
final class AssertionCacheTests: XCTestCase {
  private func idHash(_ byte: UInt8) -> SessionIDHash {
    SessionIDHash(digest: [UInt8](repeating: byte, count: 32))!
  }

  func testKeysRenewalAndBound() {
    let cache = AssertionCache(capacity: 3)
    let session = AssertionCache.Key.session(idHash(1), generation: 0)
    cache.insert(session, line: Array("a0".utf8), renewAt: 150)
    XCTAssertEqual(cache.lookup(session, now: 100), Array("a0".utf8), "a hit before half its lifetime")
    XCTAssertNil(cache.lookup(session, now: 150), "renewed from half its lifetime on")
    XCTAssertNil(cache.lookup(.session(idHash(1), generation: 1), now: 100), "a new generation misses")
    XCTAssertNil(cache.lookup(.session(idHash(2), generation: 0), now: 100), "another session misses")
    let token = AssertionCache.Key.token(TokenHash(w0: 1, w1: 2, w2: 3, w3: 4))
    cache.insert(token, line: Array("t".utf8), renewAt: 200)
    XCTAssertEqual(cache.lookup(token, now: 100), Array("t".utf8))
    cache.insert(.session(idHash(3), generation: 0), line: Array("c".utf8), renewAt: 200)
    XCTAssertEqual(cache.count, 3)
    cache.insert(session, line: Array("a0'".utf8), renewAt: 300)
    XCTAssertEqual(cache.count, 3, "replacing an entry does not empty the table")
    cache.insert(.session(idHash(4), generation: 0), line: Array("d".utf8), renewAt: 200)
    XCTAssertEqual(cache.count, 1, "full: emptied before the new entry")
    XCTAssertNil(cache.lookup(token, now: 100))
  }
}
