import Config
import EventLoop
import XCTest

@testable import Proxy

/// The dashboard's headline is `GET /health`'s verdict: same status, same reasons.
final class DashboardHealthVerdictTests: XCTestCase {
  func testTheVerdictFollowsTheHealthReport() {
    let monitor = HealthMonitor(settings: HealthSettings(), clock: ManualClock())
    let cases: [(name: String, listeners: Bool, store: HealthInputs.Store, expected: HealthVerdict.Status)] =
      [
        ("all well", true, .redis(problem: nil, probe: nil), .healthy),
        ("store down", true, .redis(problem: "connection refused", probe: nil), .degraded),
        ("listeners down", false, .memory, .unhealthy),
      ]
    for c in cases {
      var sources = HealthMonitor.Sources()
      sources.listenersReady = { c.listeners }
      sources.store = { c.store }
      monitor.setSources(sources)
      let report = monitor.report()
      let verdict = monitor.evaluate()
      XCTAssertEqual(verdict.status, c.expected, c.name)
      XCTAssertEqual(verdict.status.rawValue, report.status.rawValue, c.name)
      XCTAssertEqual(verdict.reasons, report.reasons, c.name)
      XCTAssertEqual(verdict.source, "GET /health", c.name)
      if c.expected != .healthy { XCTAssertFalse(verdict.reasons.isEmpty, c.name) }
    }
  }

  /// The admin listener starts before the server connects the monitor to its parts: until then
  /// the verdict is "not ready", never a healthy report that lacks the store.
  func testAMonitorNotYetConnectedIsUnhealthy() {
    let monitor = HealthMonitor(settings: HealthSettings(), clock: ManualClock())
    let report = monitor.report()
    XCTAssertEqual(report.status, .unhealthy)
    XCTAssertFalse(report.reasons.isEmpty)
  }
}
