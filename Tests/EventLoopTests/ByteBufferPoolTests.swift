import EventLoop
import XCTest

final class ByteBufferPoolTests: XCTestCase {
  /// A pooled buffer has storage only while attached; detached storage is reused by the next
  /// buffer; beyond `limit` free regions a returned one is unmapped.
  func testLendReuseAndLimit() {
    let pool = ByteBufferPool(capacity: 32 * 1024, limit: 1)
    let a = ByteBuffer(pool: pool)
    let b = ByteBuffer(pool: pool)
    XCTAssertFalse(a.hasStorage, "no storage before it is needed")
    XCTAssertEqual(pool.mapped, 0, "nothing mapped for idle buffers")
    a.attach()
    XCTAssertTrue(a.hasStorage)
    XCTAssertEqual(a.capacity, 32 * 1024)
    XCTAssertTrue(a.append("hello"), "usable once attached")
    XCTAssertEqual(
      String(decoding: UnsafeRawBufferPointer(start: a.readPointer, count: a.readable), as: UTF8.self),
      "hello")
    a.attach()
    XCTAssertEqual(pool.mapped, 1, "attach twice takes once")
    a.readerIndex = a.writerIndex
    let region = a.base
    a.detach()
    XCTAssertFalse(a.hasStorage)
    XCTAssertEqual([a.readerIndex, a.writerIndex], [0, 0], "indexes restart")
    XCTAssertEqual(pool.freeCount, 1)
    b.attach()
    XCTAssertEqual(b.base, region, "the free region is reused, no new mapping")
    XCTAssertEqual(pool.mapped, 1)
    a.attach()
    XCTAssertEqual(pool.mapped, 2, "a second region when the free list is empty")
    a.detach()
    b.detach()
    XCTAssertEqual(pool.freeCount, 1, "at most `limit` free regions")
    XCTAssertEqual(pool.mapped, 1, "the region beyond the limit was unmapped")
  }

  /// A buffer released while attached gives its storage back.
  func testDeinitGivesStorageBack() {
    let pool = ByteBufferPool(capacity: 4096, limit: 4)
    do {
      let a = ByteBuffer(pool: pool)
      a.attach()
      XCTAssertTrue(a.append("x"))
    }
    XCTAssertEqual(pool.freeCount, 1)
    XCTAssertEqual(pool.mapped, 1)
  }
}
