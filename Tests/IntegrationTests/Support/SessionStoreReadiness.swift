import Foundation
import XCTest

/// Waiting for a gatehouse's Redis session store to be usable. `/readyz` does not wait for the
/// store (docs/operations.md §2: a store outage never fails readiness), so a test that needs every
/// worker connected — or the L1 cache coherent — polls what `/status.json` reports instead of
/// sleeping: `sessions.redis.connected_workers` equal to `workers`, no open breaker, and, with the
/// L1 cache on, `invalidations_subscribed` (until then L1 entries are not served).
extension SessionTestCase {
  /// Polls `/status.json` until every worker's store links are ready (and L1 is coherent when
  /// enabled); fails the test after `timeout`. Returns whether it became ready.
  @discardableResult
  func waitForSessionStore(
    _ gatehouse: GatehouseProcess, timeout: TimeInterval = 15, file: StaticString = #filePath,
    line: UInt = #line
  ) -> Bool {
    var last = ""
    let ready = waitUntil(timeout: timeout, interval: 0.02) {
      guard let answer = try? self.admin(gatehouse, "GET", "/status.json"), answer.status == 200 else {
        return false
      }
      last = answer.body
      return Self.storeIsReady(answer.body)
    }
    XCTAssertTrue(
      ready, "session store not ready within \(timeout) s; last /status.json: \(last)\n\(gatehouse.logs)",
      file: file, line: line)
    return ready
  }

  /// Whether a `/status.json` body shows the Redis store usable by every worker (a memory store
  /// always is).
  static func storeIsReady(_ body: String) -> Bool {
    guard let root = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any],
      let sessions = root["sessions"] as? [String: Any]
    else { return false }
    guard let redis = sessions["redis"] as? [String: Any] else {
      return sessions["store"] as? String == "memory"
    }
    let cacheEnabled = ((sessions["cache"] as? [String: Any])?["enabled"] as? Bool) ?? true
    guard let workers = redis["workers"] as? Int, let connected = redis["connected_workers"] as? Int,
      let openBreakers = redis["open_breakers"] as? Int
    else { return false }
    let subscribed = redis["invalidations_subscribed"] as? Bool ?? false
    return connected >= workers && openBreakers == 0 && (!cacheEnabled || subscribed)
  }
}
