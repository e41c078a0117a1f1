import Config
import XCTest

@testable import Proxy

/// `gatehouse_auth_failures_total` is counted by the phases that refuse (route, authenticate),
/// through a whole exchange: refusals count under their route and reason, a request without a
/// route under `-`, and neither an allowed request, the app's own 401 nor a store outage counts.
final class AuthFailureCountTests: XCTestCase {
  private static let reasons = MetricLabels.authFailureReasons

  /// Non-zero counters as "route-index/reason" (route index -1: no route).
  private func counted(_ h: ExchangeHarness) -> [String: UInt64] {
    var result: [String: UInt64] = [:]
    for routeIndex in -1..<ExchangeTests.routes.count {
      let slot = h.worker.routeSlot(routeIndex)
      for (reason, name) in Self.reasons.enumerated() {
        let value = h.worker.metrics.authFailures.load(slot * Self.reasons.count + reason)
        if value > 0 { result["\(routeIndex)/\(name)"] = value }
      }
    }
    return result
  }

  func testRefusalsCountByRouteAndReason() throws {
    let cases:
      [(name: String, request: String, outcome: AuthOutcome?, appStatus: Int?, counted: [String: UInt64])] =
        [
          ("public route", "GET /public HTTP/1.1\r\nHost: a\r\n\r\n", nil, 200, [:]),
          ("token allowed", "GET /api/x HTTP/1.1\r\nHost: a\r\n\r\n", FakeAuthenticator.allow, 200, [:]),
          ("the app's own 401", "GET /api/x HTTP/1.1\r\nHost: a\r\n\r\n", FakeAuthenticator.allow, 401, [:]),
          (
            "token refused", "GET /api/x HTTP/1.1\r\nHost: a\r\n\r\n", FakeAuthenticator.deny, nil,
            ["1/unauthenticated": 1]
          ),
          (
            "wrong audience", "GET /api/x HTTP/1.1\r\nHost: a\r\n\r\n",
            .deny(ProxyError(.forbidden, .downstream, "jwt aud"), headers: []), nil, ["1/forbidden": 1]
          ),
          (
            "CSRF refused", "POST /api/x HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n",
            .deny(ProxyError(.csrfFailed, .downstream, "csrf"), headers: []), nil, ["1/csrf": 1]
          ),
          (
            "login required", "GET /api/x HTTP/1.1\r\nHost: a\r\n\r\n",
            .deny(ProxyError(.loginRequired, .downstream, "no session"), headers: [("Location", "/login")]),
            nil,
            ["1/login_required": 1]
          ),
          (
            "store down", "GET /api/x HTTP/1.1\r\nHost: a\r\n\r\n",
            .deny(ProxyError(.storeUnavailable, .internal, "store"), headers: []), nil, [:]
          ),
          ("no route", "GET /elsewhere HTTP/1.1\r\nHost: a\r\n\r\n", nil, nil, ["-1/unauthenticated": 1]),
        ]
    for c in cases {
      let h = try ExchangeHarness(runtime: .testing(routes: ExchangeTests.routes))
      if let outcome = c.outcome { h.worker.authenticators[.jwt] = FakeAuthenticator(outcome) }
      h.clientSends(c.request)
      if let status = c.appStatus { h.upstreamSends("HTTP/1.1 \(status) X\r\nContent-Length: 0\r\n\r\n") }
      XCTAssertEqual(ExchangeTests.statuses(h.clientText).count, 1, "\(c.name): answered\n\(h.clientText)")
      XCTAssertEqual(counted(h), c.counted, c.name)
    }
  }
}
