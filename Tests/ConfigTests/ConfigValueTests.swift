import XCTest

@testable import Config

final class ConfigValueTests: XCTestCase {
  func testDurations() {
    let cases: [(text: String, expected: Duration?)] = [
      ("500ms", .milliseconds(500)),
      ("30s", .seconds(30)),
      ("30m", .seconds(1800)),
      ("24h", .seconds(86400)),
      ("0s", .zero),
      ("1m30s", .seconds(90)),
      ("1h2m3s4ms", .milliseconds(3_723_004)),
      ("", nil),
      ("30", nil),
      ("2x", nil),
      ("s", nil),
      ("-1s", nil),
      ("1.5s", nil),
      ("30S", nil),
      ("30s1m", nil),
      ("1s1s", nil),
      (" 1s", nil),
      ("99999999999h", nil),
    ]
    for c in cases {
      XCTAssertEqual(ConfigDuration.parse(c.text), c.expected, "duration \"\(c.text)\"")
    }
  }

  func testDurationFormatReadsBack() {
    let cases: [(duration: Duration, text: String)] = [
      (.zero, "0s"), (.milliseconds(500), "500ms"), (.seconds(90), "1m30s"), (.seconds(86400), "24h"),
      (.milliseconds(3_723_004), "1h2m3s4ms"),
    ]
    for c in cases {
      XCTAssertEqual(ConfigDuration.format(c.duration), c.text, "format \(c.text)")
      XCTAssertEqual(ConfigDuration.parse(c.text), c.duration, "parse \(c.text)")
    }
  }

  func testDurationNanoseconds() {
    let cases: [(name: String, duration: Duration, nanoseconds: UInt64)] = [
      ("zero", .zero, 0),
      ("2s", .seconds(2), 2_000_000_000),
      ("1500ms", .milliseconds(1500), 1_500_000_000),
      ("7ns", .nanoseconds(7), 7),
      ("negative clamps to 0", .seconds(-1), 0),
    ]
    for c in cases {
      XCTAssertEqual(c.duration.nanoseconds, c.nanoseconds, c.name)
    }
  }

  func testSizes() {
    let cases: [(text: String, expected: Int?)] = [
      ("0", 0), ("512", 512), ("512B", 512), ("16KiB", 16384), ("1MiB", 1_048_576), ("2GiB", 2_147_483_648),
      ("", nil), ("KiB", nil), ("16KB", nil), ("16kib", nil), ("1.5MiB", nil), ("-1", nil), ("16 KiB", nil),
      ("99999999999999GiB", nil),
    ]
    for c in cases {
      XCTAssertEqual(ConfigSize.parse(c.text), c.expected, "size \"\(c.text)\"")
    }
  }

  func testSuggestions() {
    let known = ["listen", "workers", "drain_timeout", "trusted_proxies"]
    let cases: [(word: String, expected: String?)] = [
      ("listn", "listen"), ("Listen", "listen"), ("worker", "workers"), ("drain_timout", "drain_timeout"),
      ("trusted_proxy", "trusted_proxies"), ("port", nil), ("x", nil),
    ]
    for c in cases {
      XCTAssertEqual(
        ConfigSuggestion.closest(to: c.word, among: known), c.expected, "suggestion for \(c.word)")
    }
  }

  func testHeaderPatterns() {
    let cases: [(pattern: String, valid: Bool)] = [
      ("X-User-Id", true), ("X-Auth-*", true), ("Gatehouse-*", true), ("x_odd.name", true),
      ("", false), ("*", false), ("X-*-Id", false), ("X-A**", false), ("X User", false), ("X:Y", false),
      ("É", false),
    ]
    for c in cases {
      XCTAssertEqual(ConfigSyntax.headerPatternProblem(c.pattern) == nil, c.valid, "pattern \"\(c.pattern)\"")
    }
  }

  func testRoutePaths() {
    let cases: [(path: String, valid: Bool)] = [
      ("/", true), ("/public/", true), ("/a/b-c_d.e~f", true), ("/%7Euser", true),
      ("/a:b@c!$&'()*+,;=", true),
      ("public", false), ("/a b", false), ("/a?x=1", false), ("/a#f", false), ("/%7", false), ("/%zz", false),
      ("/a/../b", false), ("/./a", false), ("/a/..", false), ("/é", false), ("/a\\b", false),
    ]
    for c in cases {
      XCTAssertEqual(ConfigSyntax.routePathProblem(c.path) == nil, c.valid, "path \"\(c.path)\"")
    }
  }

  func testSecretIsRedactedEverywhere() {
    let secret = Secret("hunter2")
    var dumped = ""
    dump(secret, to: &dumped)
    let forms: [(name: String, text: String)] = [
      ("description", secret.description), ("interpolation", "\(secret)"),
      ("debug", String(reflecting: secret)), ("dump", dumped),
      ("optional interpolation", String(describing: Optional(secret))),
    ]
    for form in forms {
      XCTAssertFalse(form.text.contains("hunter2"), "\(form.name): \(form.text)")
    }
    XCTAssertEqual(secret.revealed, "hunter2")
    XCTAssertEqual(secret, Secret("hunter2", origin: .environment("X")), "equal values are equal secrets")
    XCTAssertNotEqual(secret, Secret("hunter3"))
  }
}
