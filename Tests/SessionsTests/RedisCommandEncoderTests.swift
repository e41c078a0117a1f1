import XCTest

@testable import Sessions

/// `RedisCommandEncoder` writes exactly the Redis protocol for any arguments, and always leaves
/// a NUL right after the command (hiredis scans a formatted `SUBSCRIBE` with `strchr`; without
/// the NUL it read the previous, longer command's bytes left in the reused buffer).
final class RedisCommandEncoderTests: XCTestCase {
  func testEncodesTheRedisProtocolFollowedByANul() {
    let b = { (s: String) in Array(s.utf8) }
    let big = [UInt8](repeating: 0x24, count: 5000)  // "$$$…": bytes that look like protocol
    let cases: [(name: String, args: [[UInt8]], expected: [UInt8])] = [
      (
        "long command first", [b("SET"), b("k"), big],
        b("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5000\r\n") + big + b("\r\n")
      ),
      ("subscribe after it", [b("SUBSCRIBE"), b("ch")], b("*2\r\n$9\r\nSUBSCRIBE\r\n$2\r\nch\r\n")),
      ("one word", [b("TIME")], b("*1\r\n$4\r\nTIME\r\n")),
      ("empty argument", [b("GET"), []], b("*2\r\n$3\r\nGET\r\n$0\r\n\r\n")),
      (
        "binary with NUL and CRLF", [b("GET"), [0, 13, 10, 0xFF]],
        b("*2\r\n$3\r\nGET\r\n$4\r\n") + [0, 13, 10, 0xFF] + b("\r\n")
      ),
      (
        "ten arguments (two-digit count)", Array(repeating: b("x"), count: 10),
        b("*10\r\n") + Array(repeating: b("$1\r\nx\r\n"), count: 10).flatMap { $0 }
      ),
    ]
    var encoder = RedisCommandEncoder()
    for c in cases {
      let (bytes, terminator) = encoder.encode(c.args) { pointer, length in
        (
          UnsafeRawBufferPointer(start: pointer, count: length).map { $0 },
          UnsafeRawPointer(pointer).load(fromByteOffset: length, as: UInt8.self)
        )
      }
      XCTAssertEqual(bytes, c.expected, c.name)
      XCTAssertEqual(terminator, 0, "\(c.name): NUL after the command")
    }
  }

  /// The lookup's commands written from the store key's parts are byte for byte what the
  /// array encoder writes for the same arguments, and a key without the store-key shape has none.
  func testLookupCommandsMatchTheArrayEncoding() {
    let b = { (s: String) in Array(s.utf8) }
    let fields = ["t", "v", "c", "a", "e", "i", "u", "h", "n", "f"].map(b)
    let cases: [(prefix: String, key: String, tag: String)] = [
      ("gh:", "s:{ab12}:cd34", "{ab12}"),
      ("", "s:{x}:y", "{x}"),
      (
        "a-much-longer-prefix-for-one-fleet:",
        "s:{" + String(repeating: "f", count: 64) + "}:" + String(repeating: "0", count: 64),
        "{" + String(repeating: "f", count: 64) + "}"
      ),
    ]
    var encoder = RedisCommandEncoder()
    var reference = RedisCommandEncoder()
    for c in cases {
      guard let commands = RedisLookupCommands(prefix: b(c.prefix), storeKey: c.key) else {
        XCTFail("\(c.key): no commands")
        continue
      }
      let expected: [[[UInt8]]] = [
        [b("ZSCORE"), b(c.prefix + "u:" + c.tag), b(c.key)], [b("HMGET"), b(c.prefix + c.key)] + fields,
        [b("TIME")],
      ]
      XCTAssertEqual(commands.count, 3, c.key)
      for index in 0..<3 {
        commands.write(index, into: &encoder)
        let written = encoder.withCommand { p, n in UnsafeRawBufferPointer(start: p, count: n + 1).map { $0 }
        }
        let wanted = reference.encode(expected[index]) { p, n in
          UnsafeRawBufferPointer(start: p, count: n + 1).map { $0 }
        }
        XCTAssertEqual(written, wanted, "\(c.key): command \(index), NUL included")
      }
    }
    for key in ["u:{ab}", "s:{ab}", "s:ab}:c", "s:{ab:c", "x:{ab}:c", ""] {
      XCTAssertNil(RedisLookupCommands(prefix: b("gh:"), storeKey: key), "\(key): not a store key")
    }
  }
}
