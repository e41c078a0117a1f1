import Foundation
import Glibc

/// Buffered reads from a blocking socket (or from a fixed byte array, to parse bytes already received),
/// each bounded by a deadline through `poll`. Not thread-safe: one owner.
///
/// `ECONNRESET` counts as end of stream: a server that closes with unread input makes the kernel send
/// a reset, and the test cares that the connection ended, not how.
final class SocketReader {
  enum ReadError: Error, CustomStringConvertible {
    case timedOut(String)
    case endOfStream(String)
    case malformed(String)

    var description: String {
      switch self {
      case .timedOut(let what): "timed out waiting for \(what)"
      case .endOfStream(let what): "connection closed by peer while waiting for \(what)"
      case .malformed(let what): "malformed input: \(what)"
      }
    }
  }

  private let fd: Int32
  private(set) var buffer: [UInt8] = []
  private var index = 0
  private(set) var reachedEnd = false

  init(fd: Int32) { self.fd = fd }

  /// A reader over bytes already received; it ends where the bytes end.
  init(bytes: [UInt8]) {
    fd = -1
    buffer = bytes
    reachedEnd = true
  }

  var bufferedCount: Int { buffer.count - index }

  /// Reads more bytes into the buffer. Returns false at end of stream; throws on timeout.
  /// `deadline == nil` waits forever (server threads that a `shutdown` wakes up).
  func fill(deadline: Date?, what: @autoclosure () -> String) throws -> Bool {
    if reachedEnd { return false }
    if index > 65536 && index * 2 > buffer.count {
      buffer.removeFirst(index)
      index = 0
    }
    while true {
      if let deadline {
        let remaining = deadline.timeIntervalSinceNow
        if remaining <= 0 { throw ReadError.timedOut(what()) }
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let ready = poll(&pfd, 1, Int32(min(remaining * 1000 + 1, 600_000)))
        if ready < 0 && errno == EINTR { continue }
        if ready == 0 { continue }
      }
      var chunk = [UInt8](repeating: 0, count: 65536)
      let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
      if count > 0 {
        buffer.append(contentsOf: chunk[0..<count])
        return true
      }
      if count < 0 && errno == EINTR { continue }
      if count < 0 && errno == EAGAIN { continue }
      reachedEnd = true
      return false
    }
  }

  /// One line without its terminator. Lines end at LF; a preceding CR is dropped.
  func readLine(deadline: Date?, what: @autoclosure () -> String) throws -> [UInt8] {
    var searched = 0  // bytes after `index` already searched (survives compaction in `fill`)
    while true {
      if let newline = buffer[(index + searched)...].firstIndex(of: 0x0A) {
        var end = newline
        if end > index && buffer[end - 1] == 0x0D { end -= 1 }
        let line = Array(buffer[index..<end])
        index = newline + 1
        return line
      }
      searched = buffer.count - index
      if try !fill(deadline: deadline, what: what()) { throw ReadError.endOfStream(what()) }
    }
  }

  func readExactly(_ count: Int, deadline: Date?, what: @autoclosure () -> String) throws -> [UInt8] {
    while bufferedCount < count {
      if try !fill(deadline: deadline, what: what()) {
        throw ReadError.endOfStream("\(what()) (\(bufferedCount) of \(count) bytes received)")
      }
    }
    let bytes = Array(buffer[index..<(index + count)])
    index += count
    return bytes
  }

  /// Everything until the peer closes.
  func readToEnd(deadline: Date?, what: @autoclosure () -> String) throws -> [UInt8] {
    while try fill(deadline: deadline, what: what()) {}
    let bytes = Array(buffer[index...])
    index = buffer.count
    return bytes
  }

  /// Up to `count` bytes that are already buffered or arrive by `deadline` (at least one unless the
  /// stream ended).
  func readSome(max count: Int, deadline: Date?, what: @autoclosure () -> String) throws -> [UInt8] {
    if bufferedCount == 0 { _ = try fill(deadline: deadline, what: what()) }
    let taken = min(count, bufferedCount)
    let bytes = Array(buffer[index..<(index + taken)])
    index += taken
    return bytes
  }
}
