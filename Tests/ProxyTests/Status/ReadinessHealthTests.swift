import XCTest

@testable import Proxy

final class ReadinessHealthTests: XCTestCase {
  func testVerdicts() {
    struct Case {
      let name: String
      let failures: [Readiness.Failure]
      let breaker: Int?
      let status: HealthVerdict.Status
      let reasons: [String]
    }
    let listeners = Readiness.Failure(name: "listeners", detail: "draining")
    let jwks = Readiness.Failure(name: "jwks", detail: "idp: no keys yet")
    let store = Readiness.Failure(name: "session_store", detail: "no Redis connection ready")
    let cases = [
      Case(name: "all well", failures: [], breaker: nil, status: .healthy, reasons: []),
      Case(name: "closed breaker", failures: [], breaker: 0, status: .healthy, reasons: []),
      Case(
        name: "issuer without keys", failures: [jwks], breaker: nil, status: .degraded,
        reasons: ["jwks: idp: no keys yet"]),
      Case(
        name: "open breaker", failures: [], breaker: 2, status: .degraded,
        reasons: ["session_store: circuit breaker open"]),
      Case(
        name: "half-open breaker", failures: [], breaker: 1, status: .degraded,
        reasons: ["session_store: circuit breaker half-open"]),
      Case(
        name: "store check already says it", failures: [store], breaker: 2, status: .degraded,
        reasons: ["session_store: no Redis connection ready"]),
      Case(
        name: "listeners down is unhealthy, listed first", failures: [jwks, listeners], breaker: nil,
        status: .unhealthy, reasons: ["listeners: draining", "jwks: idp: no keys yet"]),
    ]
    for c in cases {
      let verdict = ReadinessHealth.verdict(failures: c.failures, breakerState: c.breaker)
      XCTAssertEqual(verdict.status, c.status, c.name)
      XCTAssertEqual(verdict.reasons, c.reasons, c.name)
      XCTAssertEqual(verdict.source, ReadinessHealth.source, c.name)
    }
  }

  func testReadsTheLiveChecks() {
    let readiness = Readiness()
    let up = AtomicFlag(true)
    readiness.register("listeners") { up.isSet ? nil : "not accepting" }
    let health = ReadinessHealth(readiness: readiness, breakerState: { nil })
    XCTAssertEqual(health.evaluate().status, .healthy)
    up.set(false)
    XCTAssertEqual(health.evaluate().status, .unhealthy)
  }
}
