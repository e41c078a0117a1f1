import XCTest

@testable import Sessions

final class RedisClusterSlotMapTests: XCTestCase {
  private func node(_ host: RedisReply, _ port: Int64, id: String = "id") -> RedisReply {
    .array([host, .integer(port), .bulk(Array(id.utf8)), .array([])])
  }
  private func node(_ host: String, _ port: Int64) -> RedisReply { node(.bulk(Array(host.utf8)), port) }
  private func range(_ start: Int64, _ end: Int64, _ nodes: RedisReply...) -> RedisReply {
    .array([.integer(start), .integer(end)] + nodes)
  }
  private func address(_ port: Int, _ host: String = "127.0.0.1") -> RedisAddress {
    RedisAddress(host: host, port: port)!
  }

  /// The shape of `CLUSTER SLOTS` on 7.0.15 after `redis-cli --cluster create` with one replica each.
  func testThreeShardsWithReplicas() throws {
    let reply = RedisReply.array([
      range(0, 5460, node("127.0.0.1", 7001), node("127.0.0.1", 7006)),
      range(5461, 10922, node("127.0.0.1", 7002), node("127.0.0.1", 7004)),
      range(10923, 16383, node("127.0.0.1", 7003), node("127.0.0.1", 7005)),
    ])
    let map = try RedisClusterSlotMap.parse(slotsReply: reply, askedHost: "127.0.0.1").get()
    XCTAssertEqual(map.assignedSlots, 16384)
    XCTAssertEqual(map.masters, [address(7001), address(7002), address(7003)])
    let table: [(slot: Int, master: Int, replica: Int)] = [
      (0, 7001, 7006), (5460, 7001, 7006), (5461, 7002, 7004), (10922, 7002, 7004), (10923, 7003, 7005),
      (16383, 7003, 7005), (8742, 7002, 7004), (15495, 7003, 7005),
    ]
    for row in table {
      XCTAssertEqual(map.shard(forSlot: row.slot)?.master, address(row.master), "master of \(row.slot)")
      XCTAssertEqual(map.shard(forSlot: row.slot)?.replicas, [address(row.replica)], "replica of \(row.slot)")
    }
    XCTAssertNil(map.shard(forSlot: 16384), "out of range")
    XCTAssertNil(map.shard(forSlot: -1), "out of range")
    XCTAssertEqual(map.slots(ofShard: 1).count, 10922 - 5461 + 1)
  }

  func testRangesOfOneMasterShareAShardAndGapsStayUnassigned() throws {
    let reply = RedisReply.array([
      range(0, 99, node("10.0.0.1", 7001)),
      range(200, 299, node("10.0.0.2", 7002)),
      range(100, 149, node("10.0.0.1", 7001)),
    ])
    let map = try RedisClusterSlotMap.parse(slotsReply: reply, askedHost: "127.0.0.1").get()
    XCTAssertEqual(map.shards.count, 2, "one shard per master")
    XCTAssertEqual(map.assignedSlots, 250)
    XCTAssertEqual(map.shardIndex(forSlot: 120), 0)
    XCTAssertNil(map.shardIndex(forSlot: 150), "a gap is unassigned")
    XCTAssertNil(map.shardIndex(forSlot: 16000), "after the last range")
  }

  func testEndpointRules() throws {
    let reply = RedisReply.array([
      range(0, 9, node("", 7001), node(.null, 7004), node("?", 7005)),
      range(10, 19, node("?", 7002)),
      range(20, 29, node(.status(Array("10.1.1.1".utf8)), 7003), node("redis-replica", 7006)),
    ])
    let map = try RedisClusterSlotMap.parse(slotsReply: reply, askedHost: "10.9.9.9").get()
    XCTAssertEqual(map.shard(forSlot: 0)?.master, address(7001, "10.9.9.9"), "empty ip: the asked host")
    XCTAssertEqual(
      map.shard(forSlot: 0)?.replicas, [address(7004, "10.9.9.9")], "null ip: asked host; ? dropped")
    XCTAssertNil(map.shard(forSlot: 10), "unknown master endpoint: unassigned")
    XCTAssertEqual(map.shard(forSlot: 20)?.master, address(7003, "10.1.1.1"))
    XCTAssertEqual(map.shard(forSlot: 20)?.replicas, [], "a host name is never resolved on the loop")
  }

  func testMalformedRepliesAreProtocolErrors() {
    let cases: [(name: String, reply: RedisReply)] = [
      ("not an array", .bulk([])),
      ("range without a node", .array([.array([.integer(0), .integer(1)])])),
      ("start after end", .array([range(5, 4, node("127.0.0.1", 7001))])),
      ("end past the last slot", .array([range(0, 16384, node("127.0.0.1", 7001))])),
      ("negative start", .array([range(-1, 4, node("127.0.0.1", 7001))])),
      ("slot as text", .array([.array([.bulk(Array("0".utf8)), .integer(1), node("127.0.0.1", 7001)])])),
      ("node without a port", .array([range(0, 1, .array([.bulk(Array("127.0.0.1".utf8))]))])),
      (
        "port as text",
        .array([range(0, 1, .array([.bulk(Array("127.0.0.1".utf8)), .bulk(Array("7001".utf8))]))])
      ),
      ("port zero", .array([range(0, 1, node("127.0.0.1", 0))])),
      ("ip as integer", .array([range(0, 1, node(.integer(1), 7001))])),
    ]
    for c in cases {
      guard case .failure(.protocol) = RedisClusterSlotMap.parse(slotsReply: c.reply, askedHost: "127.0.0.1")
      else {
        XCTFail("\(c.name): expected a protocol error")
        continue
      }
    }
    XCTAssertEqual(
      try RedisClusterSlotMap.parse(slotsReply: .array([]), askedHost: "127.0.0.1").get().assignedSlots, 0,
      "an empty cluster")
  }
}
