import EventLoop
import XCTest

final class ByteBufferTests: XCTestCase {
  private func contents(_ buffer: ByteBuffer) -> String {
    String(decoding: UnsafeRawBufferPointer(start: buffer.readPointer, count: buffer.readable), as: UTF8.self)
  }

  /// Both allocation paths: malloc (small) and mmap (>= 16 KiB).
  private let capacities = [("malloc", 64), ("mmap", 64 * 1024)]

  func testAppendDecimal() {
    let cases: [(name: String, value: Int, expected: String)] = [
      ("zero", 0, "0"),
      ("one digit", 7, "7"),
      ("negative", -7, "-7"),
      ("power of ten", 10, "10"),
      ("content length", 1_048_576, "1048576"),
      ("max", Int.max, "9223372036854775807"),
      ("min", Int.min, "-9223372036854775808"),
    ]
    for (label, capacity) in capacities {
      for c in cases {
        let buffer = ByteBuffer(capacity: capacity)
        XCTAssertTrue(buffer.appendDecimal(c.value), "\(label) \(c.name)")
        XCTAssertEqual(contents(buffer), c.expected, "\(label) \(c.name)")
      }
    }
  }

  func testAppendHex() {
    let cases: [(name: String, value: Int, expected: String)] = [
      ("zero", 0, "0"),
      ("nine", 9, "9"),
      ("ten", 10, "a"),
      ("fifteen", 15, "f"),
      ("sixteen", 16, "10"),
      ("byte", 255, "ff"),
      ("page", 4096, "1000"),
      ("mixed", 0xBEEF0, "beef0"),
      ("max", Int.max, "7fffffffffffffff"),
    ]
    for c in cases {
      let buffer = ByteBuffer(capacity: 32)
      XCTAssertTrue(buffer.appendHex(c.value), c.name)
      XCTAssertEqual(contents(buffer), c.expected, c.name)
    }
  }

  func testAppendIsAllOrNothing() {
    let cases: [(name: String, capacity: Int, append: (ByteBuffer) -> Bool, fits: Bool, expected: String)] = [
      ("static string fits exactly", 5, { $0.append("hello" as StaticString) }, true, "hello"),
      ("static string too long", 4, { $0.append("hello" as StaticString) }, false, ""),
      ("string", 8, { $0.append(string: String("héllo")) }, true, "héllo"),
      ("string too long by one byte", 5, { $0.append(string: String("héllo")) }, false, ""),
      ("byte", 1, { $0.append(byte: 0x41) }, true, "A"),
      ("byte into full buffer", 1, { $0.append(byte: 0x41) && $0.append(byte: 0x42) }, false, "A"),
      ("decimal too long", 2, { $0.appendDecimal(-10) }, false, ""),
      ("hex too long", 2, { $0.appendHex(0x100) }, false, ""),
      (
        "raw bytes", 3,
        { buffer in [UInt8]([1, 2, 3]).withUnsafeBytes { buffer.append($0) } }, true, "\u{1}\u{2}\u{3}"
      ),
      ("empty raw bytes into full buffer", 1, { $0.append(byte: 0x41) && $0.append(UnsafeRawBufferPointer(start: nil, count: 0)) }, true, "A"),
    ]
    for c in cases {
      let buffer = ByteBuffer(capacity: c.capacity)
      XCTAssertEqual(c.append(buffer), c.fits, c.name)
      XCTAssertEqual(contents(buffer), c.expected, c.name)
      XCTAssertEqual(buffer.readable + buffer.writable, c.capacity, c.name)
    }
  }

  func testCompactAndClear() {
    for (label, capacity) in capacities {
      let buffer = ByteBuffer(capacity: capacity)
      XCTAssertTrue(buffer.append("GET / HTTP/1.1\r\n" as StaticString), label)
      buffer.readerIndex = 4
      buffer.compact()
      XCTAssertEqual(buffer.readerIndex, 0, label)
      XCTAssertEqual(buffer.writerIndex, 12, label)
      XCTAssertEqual(contents(buffer), "/ HTTP/1.1\r\n", label)
      XCTAssertEqual(buffer.writable, capacity - 12, label)

      buffer.readerIndex = buffer.writerIndex
      buffer.compact()
      XCTAssertEqual(buffer.readable, 0, "\(label) compact of a drained buffer")
      XCTAssertEqual(buffer.writable, capacity, "\(label) compact of a drained buffer")

      XCTAssertTrue(buffer.append("x" as StaticString), label)
      buffer.clear()
      XCTAssertEqual(buffer.readerIndex, 0, label)
      XCTAssertEqual(buffer.writerIndex, 0, label)
    }
  }

  func testReadAndWriteThroughDescriptors() {
    let (a, b) = makeSocketPair()
    defer {
      Posix.close(a)
      Posix.close(b)
    }
    let source = ByteBuffer(capacity: 64)
    XCTAssertTrue(source.append("ping" as StaticString))
    XCTAssertEqual(source.write(to: a), .bytes(4))
    XCTAssertEqual(source.readerIndex, 4, "write advances readerIndex")
    XCTAssertEqual(source.readable, 0)

    let sink = ByteBuffer(capacity: 3)
    XCTAssertEqual(sink.read(from: b), .bytes(3), "read is limited to the writable space")
    XCTAssertEqual(contents(sink), "pin")
    sink.readerIndex = 3
    sink.compact()
    XCTAssertEqual(sink.read(from: b), .bytes(1))
    XCTAssertEqual(contents(sink), "g")
    XCTAssertEqual(sink.read(from: b), .wouldBlock, "nothing left")
  }
}
