import EventLoop
import Glibc
import XCTest

@testable import Proxy

/// The writer thread sleeps on a `Notifier` and is woken by the line that finds it asleep; `stop`
/// writes everything queued, in order, before it returns. Log times come from the sink's clock.
final class LogSinkTests: XCTestCase {
  private func pipePair() -> (read: Int32, write: Int32) {
    var fds: [Int32] = [0, 0]
    XCTAssertEqual(pipe(&fds), 0)
    return (fds[0], fds[1])
  }

  /// Reads until `expected` bytes arrived or 10 s passed without any (a broken writer).
  private func read(_ fd: Int32, expected: Int) -> String {
    var out: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while out.count < expected {
      var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
      guard poll(&entry, 1, 10_000) == 1 else { break }
      let count = Glibc.read(fd, &buffer, buffer.count)
      if count <= 0 { break }
      out += buffer[0..<count]
    }
    return String(decoding: out, as: UTF8.self)
  }

  func testAQueuedLineWakesTheWriter() throws {
    let (readEnd, writeEnd) = pipePair()
    defer {
      close(readEnd)
      close(writeEnd)
    }
    let sink = LogSink(fd: writeEnd)
    try sink.startWriter()
    defer { sink.stop() }
    for round in 0..<3 {
      // Each round the writer has gone back to sleep (nothing left to write) before the line.
      sink.write("line \(round)\n")
      XCTAssertEqual(read(readEnd, expected: 7), "line \(round)\n", "round \(round)")
    }
  }

  func testStopWritesEverythingQueuedInOrder() throws {
    let (readEnd, writeEnd) = pipePair()
    defer {
      close(readEnd)
      close(writeEnd)
    }
    let sink = LogSink(fd: writeEnd)
    try sink.startWriter()
    var expected = ""
    for index in 0..<2000 {
      let line = "line \(index)\n"
      expected += line
      sink.write(line)
    }
    sink.stop()
    sink.write("after stop\n")
    sink.stop()
    expected += "after stop\n"
    XCTAssertEqual(read(readEnd, expected: expected.utf8.count), expected)
  }

  func testLogTimesComeFromTheSinksClock() throws {
    let (readEnd, writeEnd) = pipePair()
    defer {
      close(readEnd)
      close(writeEnd)
    }
    let clock = ManualClock(wall: 1_700_000_000_123_000_000)
    let sink = LogSink(fd: writeEnd, clock: clock)
    SecurityLog.event("test_event", reason: "r", to: sink)
    clock.advance(by: .seconds(61))
    SecurityLog.event("test_event", reason: "r", to: sink)
    sink.flush()
    let lines = read(readEnd, expected: 2).split(separator: "\n")
    XCTAssertEqual(lines.count, 2)
    XCTAssertTrue(lines.first?.contains(#""time":"2023-11-14T22:13:20.123Z""#) ?? false, "\(lines)")
    XCTAssertTrue(lines.last?.contains(#""time":"2023-11-14T22:14:21.123Z""#) ?? false, "\(lines)")
  }
}
