import Foundation
import XCTest

/// The memory store as its own L1 keeps a used session's record only unsealed (docs/performance.md
/// "Memory, round 4"): when the L1 stops serving it (its `ttl` passed) the next request reads it
/// from the store, which seals it for the request's ticket, and the session goes on unchanged.
final class SessionMemoryStoreRecordTests: SessionTestCase {
  private func cacheMisses(_ gatehouse: GatehouseProcess) throws -> Double {
    let metrics = try admin(gatehouse, "GET", "/metrics").body
    let prefix = "gatehouse_session_cache_requests_total{"
    for line in metrics.split(separator: "\n")
    where line.hasPrefix(prefix) && line.contains("result=\"miss\"") {
      return Double(line.split(separator: " ").last ?? "") ?? 0
    }
    return 0
  }

  func testASessionOutlivesItsL1RecordWithEveryAttribute() throws {
    let gatehouse = try startSessionGatehouse(session: ["[session.cache]", "ttl = \"20ms\""])
    let ticket = try login(gatehouse, "alice", attributes: "role=admin").ticket
    let before = try cacheMisses(gatehouse)
    var requests = 0
    // Every request must pass as alice with her attribute, until some were answered from the
    // store after the L1's record expired (misses counted), and once more afterwards.
    let sawMisses = try waitUntil(timeout: 10, interval: 0.02) {
      let (response, forwarded) = try request(gatehouse, "GET", "/app/x", ticket: ticket)
      requests += 1
      XCTAssertEqual(response.status, 200, "request \(requests): \(response)\n\(gatehouse.logs)")
      XCTAssertEqual(forwarded?.headers.values("X-User-Id"), ["alice"], "request \(requests)")
      XCTAssertEqual(forwarded?.headers.values("X-User-Role"), ["admin"], "request \(requests)")
      return try cacheMisses(gatehouse) >= before + 2
    }
    XCTAssertTrue(sawMisses, "the L1 record expired and was read from the store (\(requests) requests)")
    XCTAssertEqual(try request(gatehouse, "GET", "/app/x", ticket: ticket).response.status, 200)
  }
}
