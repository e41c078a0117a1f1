import Config
import Crypto
import Net
import Sessions
import XCTest

@testable import Audit

/// The live probes' pure parts and their verdicts over scripted servers; the probes against a
/// real Gatehouse are in IntegrationTests/AuditLiveTests.
final class LiveProbeTests: XCTestCase {
  func testTargets() throws {
    let cases: [(String, String?)] = [
      ("http://127.0.0.1:8000", "http://127.0.0.1:8000"),
      ("http://127.0.0.1:8000/", "http://127.0.0.1:8000"),
      ("HTTPS://staging.example.com", "https://staging.example.com"),
      ("https://staging.example.com:443", "https://staging.example.com"),
      ("http://[::1]:8080", "http://[::1]:8080"),
      ("http://host:80", "http://host"),
      ("ftp://host", nil), ("http://", nil), ("http://host:0", nil), ("http://host:99999", nil),
      ("http://host/path", nil), ("http://user@host", nil), ("http://[::1", nil),
    ]
    for (text, expected) in cases {
      XCTAssertEqual((try? ProbeTarget.parse(text))?.description, expected, text)
    }
    XCTAssertEqual(try ProbeTarget.parse("http://[::1]:8080").host, "::1")
  }

  func testRateLimiterSpacesRequests() {
    var limiter = RateLimiter(perSecond: 100)
    XCTAssertEqual(limiter.reserve(now: 1_000), 1_000)
    XCTAssertEqual(limiter.reserve(now: 2_000), 10_001_000, "10 ms after the first")
    XCTAssertEqual(limiter.reserve(now: 50_000_000), 50_000_000, "idle time is not banked")
    var unlimited = RateLimiter(perSecond: 0)
    XCTAssertEqual(unlimited.reserve(now: 5), 5)
    XCTAssertEqual(unlimited.reserve(now: 5), 5)
  }

  func testLoginForms() {
    let post = LoginForm(path: "/login", fields: [("username", "{user}"), ("password", "p w")])
    XCTAssertEqual(
      String(decoding: post.request(user: "audit-1", extraHeaders: []).body, as: UTF8.self),
      "username=audit-1&password=p%20w")
    let get = LoginForm(path: "/login-as/{user}", method: "get", fields: [("next", "/")])
    XCTAssertEqual(get.request(user: "u", extraHeaders: []).target, "/login-as/u?next=%2F")
    XCTAssertEqual(
      LoginForm(path: "/in", method: "GET", fields: []).request(user: "u", extraHeaders: []).target, "/in")
  }

  func testCSRFTokensAreFoundInEchoesAndForms() {
    let token = Base64URL.encode(SecureRandom.bytes(64))
    XCTAssertEqual(token.count, CSRFToken.encodedLength)
    let bodies = [
      #"{"headers":[["Host","x"],["X-CSRF-Token","\#(token)"],["X-User-Id","u"]]}"#,
      #"{"X-CSRF-Token": "\#(token)", "X-User-Id": "u"}"#,
      #"<input type="hidden" name="csrf_token" value="\#(token)">"#,
    ]
    for body in bodies {
      XCTAssertEqual(
        CSRFTokenScraper.find(in: Array(body.utf8), after: ["X-CSRF-Token", "csrf_token"]), token, body)
    }
    let other = #"{"X-Request-Id": "\#(token)"}"#
    XCTAssertNil(CSRFTokenScraper.find(in: Array(other.utf8), after: ["X-CSRF-Token"]), "only after the name")
    XCTAssertNil(
      CSRFTokenScraper.find(in: Array(#"{"X-CSRF-Token": "short"}"#.utf8), after: ["X-CSRF-Token"]))
  }

  func testTicketVerdicts() {
    func ticket() -> String { Base64URL.encode(SecureRandom.bytes(SessionTicket.decodedByteCount)) }
    let good = (0..<200).map { _ in ticket() }
    let passed = TicketQualityProbe.judge(good)
    XCTAssertEqual(passed.verdict, .passed, "\(passed.evidence)")
    XCTAssertTrue(passed.evidence.contains { $0.hasPrefix("per-position χ² = ") })

    XCTAssertEqual(TicketQualityProbe.judge(good + [good[3]]).verdict, .failed, "a repeated ticket")
    XCTAssertEqual(TicketQualityProbe.judge(good.map { $0 + "AA" }).verdict, .failed, "not a ticket's length")

    // The id's first byte always 0x00: constant bits in the random region.
    let stuck = good.map { value -> String in
      var bytes = Base64URL.decode(value)!
      bytes[SessionTicket.idBytes.lowerBound] = 0
      return Base64URL.encode(bytes)
    }
    let failed = TicketQualityProbe.judge(stuck)
    XCTAssertEqual(failed.verdict, .failed)
    XCTAssertTrue(
      failed.evidence.contains { $0.hasPrefix("bit positions are unbalanced") }, "\(failed.evidence)")
    XCTAssertTrue(
      failed.evidence.contains { $0.hasPrefix("bit positions that never change: 72") }, "\(failed.evidence)")

    // A counter instead of random bytes: few varying positions.
    let counter = (0..<200).map { i -> String in
      var bytes = [UInt8](repeating: 0, count: SessionTicket.decodedByteCount)
      bytes[SessionTicket.idBytes.lowerBound] = UInt8(i)
      return Base64URL.encode(bytes)
    }
    XCTAssertEqual(TicketQualityProbe.judge(counter).verdict, .failed)
    XCTAssertEqual(
      TicketQualityProbe.judge(Array(good.prefix(8))).verdict, .passed, "few logins: no statistics")
  }

  func testTimingVerdicts() {
    var generator = SplitMix64(seed: 99)
    func noise() -> Double { Double(generator.next() % 40_000) }
    let a = (0..<2000).map { _ in 300_000 + noise() }
    let b = (0..<2000).map { _ in 300_000 + noise() }
    let same = TimingProbe().judge(nearlyRight: a, mostlyWrong: b, threshold: 4.5)
    XCTAssertEqual(same.verdict, .passed, "\(same.evidence)")
    let slower = TimingProbe().judge(nearlyRight: a.map { $0 + 10_000 }, mostlyWrong: b, threshold: 4.5)
    XCTAssertEqual(slower.verdict, .warning, "a difference only warns: \(slower.evidence)")
    XCTAssertTrue(slower.evidence[2].hasPrefix("Welch's t = "), slower.evidence[2])
    XCTAssertEqual(TimingProbe().judge(nearlyRight: [1], mostlyWrong: [2], threshold: 4.5).verdict, .warning)
  }

  func testEvidenceNumbers() {
    XCTAssertEqual(EvidenceFormat.number(0.021378), "0.0214")
    XCTAssertEqual(EvidenceFormat.number(-2.4553), "-2.455")
    XCTAssertEqual(EvidenceFormat.number(24.9885), "24.99")
    XCTAssertEqual(EvidenceFormat.number(640.12), "640.1")
    XCTAssertEqual(EvidenceFormat.number(128000.4), "128000")
    XCTAssertEqual(EvidenceFormat.number(1), "1.000")
    XCTAssertEqual(EvidenceFormat.number(7.7e-6), "7.70e-6")
    XCTAssertEqual(EvidenceFormat.number(.infinity), "∞")
    XCTAssertEqual(EvidenceFormat.microseconds(312_449), "312.4 µs")
  }

  // MARK: - Over a scripted server

  static let config = try! AuditConfigs.load(AuditConfigs.text())

  func context(_ network: ScriptedNetwork) throws -> LiveAuditContext {
    let client = try AuditHTTPClient(
      target: ProbeTarget.parse("http://127.0.0.1:8000"), network: network, userAgent: "test",
      requestsPerSecond: 0)
    let options = LiveAuditOptions(login: LoginForm(path: "/login", fields: []), user: "u")
    return LiveAuditContext(config: Self.config, options: options, client: client, admin: nil, runID: "r")
  }

  func testSmugglingProbeNeedsA400AndAClose() throws {
    let strict = ScriptedNetwork { _, _ in
      .init(
        bytes: Array("HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n".utf8),
        close: true)
    }
    let passed = try SmugglingProbe().run(context(strict))
    XCTAssertEqual(passed.verdict, .passed, "\(passed.evidence)")
    XCTAssertEqual(strict.connections, SmugglingProbe.cases(host: "h").count, "one connection per case")

    let lenient = ScriptedNetwork { _, _ in
      .init(bytes: Array("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".utf8), close: false)
    }
    let failed = try SmugglingProbe().run(context(lenient))
    XCTAssertEqual(failed.verdict, .failed)
    XCTAssertEqual(
      failed.evidence.first, "CL.TE (Content-Length and Transfer-Encoding): 200, connection left open")

    let openAfter400 = ScriptedNetwork { _, _ in
      .init(bytes: Array("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".utf8), close: false)
    }
    XCTAssertEqual(try SmugglingProbe().run(context(openAfter400)).verdict, .failed, "a 400 must also close")
  }

  func testPipelinedResponsesAndTheRateLimit() throws {
    let network = ScriptedNetwork { _, _ in
      .init(
        bytes: Array("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\naHTTP/1.1 204 No Content\r\n\r\n".utf8),
        close: false)
    }
    let client = try AuditHTTPClient(
      target: ProbeTarget.parse("http://127.0.0.1:8000"), network: network, userAgent: "ua",
      requestsPerSecond: 10)
    let connection = try client.open()
    XCTAssertEqual(try connection.exchange(ProbeRequest("GET", "/")).0.status, 200)
    XCTAssertEqual(
      try connection.exchange(ProbeRequest("GET", "/")).0.status, 204, "the bytes after the first response")
    XCTAssertEqual(network.pauses.count, 1, "the second request waited for the rate limit")
    XCTAssertGreaterThan(network.pauses[0], 90_000_000)
    XCTAssertEqual(client.requestCount, 2)
  }

  func testSkippedWithoutSessions() throws {
    let network = ScriptedNetwork { _, _ in .init(bytes: [], close: true) }
    let base = Self.config
    let noSession = GatehouseConfig(
      server: base.server, upstream: base.upstream, admin: base.admin, routes: [])
    let client = try AuditHTTPClient(
      target: ProbeTarget.parse("http://127.0.0.1:8000"), network: network, userAgent: "t",
      requestsPerSecond: 0)
    let context = LiveAuditContext(
      config: noSession, options: LiveAuditOptions(login: LoginForm(path: "/l", fields: []), user: "u"),
      client: client, admin: nil, runID: "r")
    for probe in LiveAudit.probes where probe.definition.id != "GH-PROBE-SMUGGLING" {
      XCTAssertEqual(try probe.run(context).verdict, .skipped, probe.definition.id)
    }
    XCTAssertEqual(network.connections, 0, "nothing was sent")
  }
}
