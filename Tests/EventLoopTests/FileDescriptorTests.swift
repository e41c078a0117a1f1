import EventLoop
import Glibc
import XCTest

/// `FileDescriptor` closes exactly once: explicitly, or when the last reference goes. A closed
/// descriptor is observed through its socket pair: the peer reads end of stream only once no
/// descriptor refers to the socket any more (a descriptor number alone could be reused).
final class FileDescriptorTests: XCTestCase {
  func testExplicitCloseClosesAtOnceAndMarksItClosed() {
    let (a, b) = makeSocketPair()
    defer { Posix.close(b) }
    let owned = FileDescriptor(owning: a)
    XCTAssertTrue(owned.isOpen)
    XCTAssertEqual(owned.rawValue, a)
    XCTAssertEqual(readString(b).0, .wouldBlock, "still open: nothing to read, no end of stream")
    owned.close()
    XCTAssertFalse(owned.isOpen)
    XCTAssertEqual(readString(b).0, .eof, "the peer sees the close")
  }

  func testLastReferenceClosesWhatWasNotClosed() {
    let (a, b) = makeSocketPair()
    defer { Posix.close(b) }
    var owned: FileDescriptor? = FileDescriptor(owning: a)
    XCTAssertEqual(writeAll(owned!.rawValue, "x"), .bytes(1))
    XCTAssertEqual(readString(b).1, "x")
    owned = nil
    XCTAssertEqual(readString(b).0, .eof, "released without close(): deinit closed it")
  }

  func testExplicitlyClosedIsNotClosedAgainOnRelease() {
    let (a, b) = makeSocketPair()
    var owned: FileDescriptor? = FileDescriptor(owning: a)
    owned!.close()
    // The number is free now; the next socket pair may take it. Releasing the closed wrapper
    // must leave that new descriptor alone.
    let (c, d) = makeSocketPair()
    defer {
      Posix.close(b)
      Posix.close(c)
      Posix.close(d)
    }
    owned = nil
    XCTAssertEqual(writeAll(c, "still open"), .bytes(10))
    XCTAssertEqual(readString(d).1, "still open")
  }
}
