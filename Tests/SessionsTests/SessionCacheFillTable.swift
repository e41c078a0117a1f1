import Sessions
import XCTest

/// The fill-token rule (`SessionCacheFill`), run over both homes of a `SessionCache` (its own
/// entries, and the memory store as the cache), like `SessionStoreConformance` over the stores:
/// an answer whose fill was taken before an invalidation of its key (or a flush) is never
/// cached, so a create's or lookup's reply overtaken by an eviction's invalidation cannot undo
/// it. `makeCache` gives a fresh cache that may cache the sessions of `fixedTicket(seed: 1)` and
/// `fixedTicket(seed: 2)` (the store-backed home holds them live).
struct SessionCacheFillTable {
  let home: String
  let makeCache: () -> SessionCache

  func run() {
    lateFillNeverUndoesAnInvalidation()
    invalidationStopsServingTheRecord()
  }

  func hash(_ seed: UInt8) -> SessionIDHash { fixedTicket(seed: seed).idHash }

  func lateFillNeverUndoesAnInvalidation() {
    let record = sampleRecord()
    let cases: [(name: String, between: (SessionCache) -> Void, stored: Bool)] = [
      ("nothing happened", { _ in }, true),
      ("the same key invalidated", { $0.invalidate(self.hash(1)) }, false),
      ("the same key invalidated by Redis", { $0.invalidate(self.hash(1), at: t0) }, false),
      ("the same store key invalidated", { $0.invalidate(storeKey: fixedTicket(seed: 1).storeKey) }, false),
      ("the cache flushed", { $0.removeAll() }, false),
      ("another key invalidated", { $0.invalidate(self.hash(2)) }, true),
    ]
    for c in cases {
      let name = "\(home): \(c.name)"
      let cache = makeCache()
      let fill = cache.fill()
      c.between(cache)
      let stored = cache.insert(hash(1), record: record, expiresAt: t0 + hour, now: t0, after: fill)
      XCTAssertEqual(stored, c.stored, name)
      XCTAssertEqual(cache.lookup(hash(1), now: t0) != nil, c.stored, "\(name): lookup")
      XCTAssertTrue(
        cache.insert(hash(1), record: record, expiresAt: t0 + hour, now: t0, after: cache.fill()),
        "\(name): a fill taken afterwards is cached")
    }
  }

  func invalidationStopsServingTheRecord() {
    let record = sampleRecord()
    let cache = makeCache()
    cache.insert(hash(1), record: record, expiresAt: t0 + hour, now: t0, after: cache.fill())
    XCTAssertEqual(cache.count, 1, home)
    cache.invalidate(hash(1))
    XCTAssertNil(cache.lookup(hash(1), now: t0), "\(home): an invalidation drops the cached record")
    XCTAssertEqual(cache.count, 0, home)
    XCTAssertEqual(cache.hits, 0, home)
    XCTAssertEqual(cache.misses, 1, home)
  }
}
