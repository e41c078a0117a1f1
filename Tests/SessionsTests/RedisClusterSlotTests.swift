import XCTest

@testable import Sessions

final class RedisClusterSlotTests: XCTestCase {
  func testCRC16MatchesTheClusterSpecCheckValue() {
    XCTAssertEqual(RedisClusterSlot.crc16(Array("123456789".utf8)), 0x31C3, "cluster spec check value")
    XCTAssertEqual(RedisClusterSlot.crc16([UInt8]()), 0, "empty input")
  }

  /// Expected slots from `CLUSTER KEYSLOT` on redis-server 7.0.15.
  func testSlotsMatchRedisClusterKeyslot() {
    let cases: [(key: String, slot: Int)] = [
      ("foo", 12182), ("bar", 5061), ("hello", 866), ("user1000", 3443),
      ("{user1000}.following", 3443), ("{user1000}.followers", 3443),
      ("foo{}{bar}", 8363), ("foo{{bar}}", 4015), ("foo{bar}{zap}", 5061), ("{bar", 4015), ("", 0),
      ("gh:s:{AbC-_x}:0123", 8742), ("gh:u:{AbC-_x}", 8742), ("{}", 15257), ("a{b}", 3300), ("{{}}", 4092),
    ]
    for c in cases {
      XCTAssertEqual(RedisClusterSlot.of(Array(c.key.utf8)), c.slot, "slot of \(c.key)")
      XCTAssertEqual(RedisClusterSlot.of(Array(c.key.utf8)[...]), c.slot, "slot of \(c.key) (slice)")
    }
  }

  func testHashTagRules() {
    let cases: [(key: String, hashed: String)] = [
      ("plain", "plain"), ("{tag}rest", "tag"), ("a{tag}", "tag"), ("foo{}{bar}", "foo{}{bar}"),
      ("foo{{bar}}", "{bar"), ("foo{bar}{zap}", "bar"), ("{open", "{open"), ("close}", "close}"),
      ("}{x}", "x"), ("{}", "{}"),
    ]
    for c in cases {
      XCTAssertEqual(
        String(decoding: RedisClusterSlot.hashTag(of: Array(c.key.utf8)), as: UTF8.self), c.hashed, c.key)
    }
  }

  func testEveryKeyOfAUserSharesItsSlot() {
    for tag in ["a", "Zz9", "q-_x", "0123456789abcdef"] {
      let index = RedisClusterSlot.of(Array("gh:u:{\(tag)}".utf8))
      let session = RedisClusterSlot.of(Array("gh:s:{\(tag)}:\(String(repeating: "f", count: 64))".utf8))
      XCTAssertEqual(index, session, "user \(tag)")
    }
  }
}
