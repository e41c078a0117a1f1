import Foundation
import XCTest

/// What gatehouse does to request headers on the way in: hop-by-hop removal, X-Forwarded-*,
/// identity-header stripping, W3C trace context and X-Request-Id.
final class ProxyHeaderTests: GatehouseTestCase {
  func testHopByHopHeadersAreRemoved() throws {
    let gatehouse = try startGatehouse()
    let (response, forwarded) = try send(
      gatehouse, "GET", "/hop",
      headers: [
        ("Connection", "keep-alive, X-Hop-A, x-hop-b"), ("X-Hop-A", "1"), ("X-Hop-B", "2"),
        ("Keep-Alive", "timeout=5"), ("TE", "trailers"), ("Trailer", "X-Checksum"),
        ("Proxy-Connection", "keep-alive"), ("X-End-To-End", "kept"),
      ])
    XCTAssertEqual(response.status, 200)
    let headers = try XCTUnwrap(forwarded, "nothing reached the upstream").headers
    for name in ["X-Hop-A", "X-Hop-B", "Keep-Alive", "TE", "Trailer", "Proxy-Connection"] {
      XCTAssertFalse(headers.contains(name), "\(name) reached the upstream: \(headers)")
    }
    for value in headers.values("Connection") {
      XCTAssertFalse(value.lowercased().contains("x-hop"), "Connection still names client fields: \(value)")
    }
    XCTAssertEqual(headers.values("X-End-To-End"), ["kept"])
  }

  func testForwardedHeaders() throws {
    struct Case {
      let name: String
      let clientHeaders: [(String, String)]
      let forwardedFor: [String]
    }
    let groups: [(trusted: [String], cases: [Case])] = [
      (
        [],
        [
          Case(name: "untrusted, no XFF", clientHeaders: [], forwardedFor: ["127.0.0.1"]),
          Case(
            name: "untrusted, spoofed XFF/Proto/Host",
            clientHeaders: [
              ("X-Forwarded-For", "203.0.113.7"), ("X-Forwarded-Proto", "https"),
              ("X-Forwarded-Host", "evil.example"),
            ],
            forwardedFor: ["127.0.0.1"]),
        ]
      ),
      (
        ["127.0.0.1/32"],
        [
          Case(name: "trusted, no XFF", clientHeaders: [], forwardedFor: ["127.0.0.1"]),
          Case(
            name: "trusted, XFF appended", clientHeaders: [("X-Forwarded-For", "203.0.113.7")],
            forwardedFor: ["203.0.113.7", "127.0.0.1"]),
        ]
      ),
    ]
    for group in groups {
      let gatehouse = try startGatehouse(ProxyConfig(trustedProxies: group.trusted))
      for testCase in group.cases {
        let (response, forwarded) = try send(
          gatehouse, "GET", "/xff/\(testCase.name.count)", host: "app.example:8080",
          headers: testCase.clientHeaders)
        XCTAssertEqual(response.status, 200, testCase.name)
        guard let headers = forwarded?.headers else {
          XCTFail("\(testCase.name): nothing reached the upstream")
          continue
        }
        let forwardedFor = headers.values("X-Forwarded-For").flatMap { $0.split(separator: ",") }
          .map { $0.trimmingCharacters(in: .whitespaces) }
        XCTAssertEqual(forwardedFor, testCase.forwardedFor, "\(testCase.name): X-Forwarded-For")
        XCTAssertEqual(headers.values("X-Forwarded-Proto"), ["http"], "\(testCase.name): X-Forwarded-Proto")
        XCTAssertEqual(
          headers.values("X-Forwarded-Host"), ["app.example:8080"], "\(testCase.name): X-Forwarded-Host")
      }
      gatehouse.stop()
    }
  }

  func testIdentityHeadersAreStripped() throws {
    let gatehouse = try startGatehouse()
    let stripped = [
      "X-User-Id", "x-user-id", "X_User_Id", "x-auth-whatever", "X-Auth-Role", "X-Session-Foo",
      "x_session_id",
      "X-Forwarded-User",
    ]
    let kept = ["X-User", "X-Authz", "X-Sessions", "X-Forwarded-Username"]
    let headers =
      stripped.enumerated().map { ($0.element, "spoofed-\($0.offset)") } + kept.map { ($0, "kept") }
    let (response, forwarded) = try send(gatehouse, "GET", "/identity", headers: headers)
    XCTAssertEqual(response.status, 200)
    let received = try XCTUnwrap(forwarded, "nothing reached the upstream").headers
    func normalised(_ name: String) -> String { name.lowercased().replacingOccurrences(of: "_", with: "-") }
    for name in stripped {
      XCTAssertFalse(
        received.contains { normalised($0.name) == normalised(name) },
        "\(name) reached the upstream: \(received)")
    }
    XCTAssertFalse(
      received.contains { $0.value.hasPrefix("spoofed-") }, "a spoofed value got through: \(received)")
    for name in kept {
      XCTAssertEqual(received.values(name), ["kept"], "\(name) should pass")
    }
  }

  func testTraceContext() throws {
    let gatehouse = try startGatehouse()
    let parentTrace = "4bf92f3577b34da6a3ce929d0e0e4736"
    let parentSpan = "00f067aa0ba902b7"
    struct Case {
      let name: String
      let traceparent: String?
      let continues: Bool
      /// The flags the upstream sees: a continued trace keeps its sampled flag; a trace
      /// Gatehouse starts is sampled, so a parent-based sampler downstream records it.
      var flags = "01"
    }
    let cases = [
      Case(name: "valid, sampled", traceparent: "00-\(parentTrace)-\(parentSpan)-01", continues: true),
      Case(
        name: "valid, not sampled", traceparent: "00-\(parentTrace)-\(parentSpan)-00", continues: true,
        flags: "00"),
      Case(name: "absent", traceparent: nil, continues: false),
      Case(
        name: "non-hex trace id", traceparent: "00-4bf92f3577b34da6a3ce929d0e0e47zz-\(parentSpan)-01",
        continues: false),
      Case(
        name: "all-zero trace id", traceparent: "00-\(String(repeating: "0", count: 32))-\(parentSpan)-01",
        continues: false),
      Case(name: "all-zero span id", traceparent: "00-\(parentTrace)-0000000000000000-01", continues: false),
      Case(
        name: "short trace id", traceparent: "00-\(parentTrace.dropLast(2))-\(parentSpan)-01",
        continues: false),
      Case(name: "version ff", traceparent: "ff-\(parentTrace)-\(parentSpan)-01", continues: false),
      Case(
        name: "upper-case hex", traceparent: "00-\(parentTrace.uppercased())-\(parentSpan)-01",
        continues: false),
    ]
    for (index, testCase) in cases.enumerated() {
      var headers: [(String, String)] = []
      if let traceparent = testCase.traceparent {
        headers += [("traceparent", traceparent), ("tracestate", "congo=t61rcWkgMzE")]
      }
      let (response, forwarded) = try send(gatehouse, "GET", "/trace/\(index)", headers: headers)
      XCTAssertEqual(response.status, 200, testCase.name)
      let values = try XCTUnwrap(forwarded, "\(testCase.name): nothing reached the upstream").headers.values(
        "traceparent")
      XCTAssertEqual(values.count, 1, "\(testCase.name): traceparent fields \(values)")
      guard let value = values.first, let parsed = TraceParent(value) else {
        XCTFail("\(testCase.name): upstream traceparent \(values) is not a valid version-00 value")
        continue
      }
      XCTAssertEqual(parsed.flags, testCase.flags, "\(testCase.name): trace flags")
      if testCase.continues {
        XCTAssertEqual(parsed.traceID, parentTrace, "\(testCase.name): trace id continued")
        XCTAssertNotEqual(parsed.spanID, parentSpan, "\(testCase.name): a new span id")
        XCTAssertEqual(
          forwarded?.headers.values("tracestate"), ["congo=t61rcWkgMzE"], "\(testCase.name): tracestate")
      } else {
        XCTAssertNotEqual(parsed.traceID.lowercased(), parentTrace, "\(testCase.name): a new trace")
      }
    }
  }

  func testRequestID() throws {
    let gatehouse = try startGatehouse()
    struct Case {
      let name: String
      let sent: String?
      let kept: Bool
    }
    let cases = [
      Case(name: "well-formed", sent: "abc-123_DEF.456", kept: true),
      Case(name: "uuid", sent: "6f1c8a2e-3b7d-4c59-9e0a-1d2f3b4c5d6e", kept: true),
      Case(name: "200 chars", sent: String(repeating: "a", count: 200), kept: true),
      Case(name: "missing", sent: nil, kept: false),
      Case(name: "201 chars", sent: String(repeating: "b", count: 201), kept: false),
      Case(name: "inner space", sent: "abc def", kept: false),
      Case(name: "inner tab", sent: "abc\tdef", kept: false),
    ]
    var generated: [String] = []
    for (index, testCase) in cases.enumerated() {
      let headers = testCase.sent.map { [("X-Request-Id", $0)] } ?? []
      let (response, forwarded) = try send(gatehouse, "GET", "/rid/\(index)", headers: headers)
      XCTAssertEqual(response.status, 200, testCase.name)
      let values = try XCTUnwrap(forwarded, "\(testCase.name): nothing reached the upstream").headers.values(
        "X-Request-Id")
      XCTAssertEqual(values.count, 1, "\(testCase.name): X-Request-Id fields \(values)")
      guard let value = values.first else { continue }
      if testCase.kept {
        XCTAssertEqual(value, testCase.sent, testCase.name)
      } else {
        XCTAssertNotEqual(value, testCase.sent, testCase.name)
        XCTAssertTrue(
          !value.isEmpty && value.count <= 200
            && value.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value < 0x7f },
          "\(testCase.name): generated id \(value.debugDescription) is not well-formed")
        generated.append(value)
      }
      XCTAssertEqual(response.headers.values("X-Request-Id"), [value], "\(testCase.name): id in the response")
    }
    XCTAssertEqual(Set(generated).count, generated.count, "generated ids repeat: \(generated)")
  }
}

/// A W3C version-00 `traceparent` value, parsed strictly (lower-case hex, non-zero ids). Immutable.
struct TraceParent {
  let traceID: String
  let spanID: String
  let flags: String

  init?(_ value: String) {
    let parts = value.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
    guard value.count == 55, parts.count == 4, parts[0] == "00", parts[1].count == 32, parts[2].count == 16,
      parts[3].count == 2
    else { return nil }
    let hex = Set("0123456789abcdef")
    guard parts.dropFirst().allSatisfy({ $0.allSatisfy(hex.contains) }) else { return nil }
    guard parts[1] != String(repeating: "0", count: 32), parts[2] != String(repeating: "0", count: 16) else {
      return nil
    }
    (traceID, spanID, flags) = (parts[1], parts[2], parts[3])
  }
}
