import XCTest

@testable import Proxy

/// The length prefilters of `HardeningRules` never hide a match.
final class HardeningRulesTests: XCTestCase {
  private func bytes<T>(_ text: String, _ body: (UnsafeRawBufferPointer) -> T) -> T {
    Array(text.utf8).withUnsafeBytes(body)
  }

  func testRefusedMethods() {
    let rules = HardeningRules(refusedMethods: ["TRACE", "TRACK", String(repeating: "M", count: 70)])
    let cases: [(method: String, refused: Bool)] = [
      ("TRACE", true), ("TRACK", true), ("trace", false), ("GET", false), ("TRACES", false),
      (String(repeating: "M", count: 70), true), (String(repeating: "M", count: 71), false), ("", false),
    ]
    for c in cases {
      XCTAssertEqual(bytes(c.method) { rules.refuses(method: $0) }, c.refused, c.method)
    }
    XCTAssertFalse(bytes("TRACE") { HardeningRules(refusedMethods: []).refuses(method: $0) })
  }

  func testMethodOverrideNames() {
    let rules = HardeningRules(methodOverrideHeaders: ["X-HTTP-Method-Override", "X-Override-*"])
    let cases: [(name: String, matches: Bool)] = [
      ("X-HTTP-Method-Override", true), ("x_http_method_override", true), ("X-HTTP-Method", false),
      ("X-Override-", true), ("X-Override-Anything-Long-" + String(repeating: "a", count: 60), true),
      ("X-Overrid", false), ("Host", false),
    ]
    for c in cases {
      XCTAssertEqual(bytes(c.name) { rules.isMethodOverride($0) }, c.matches, c.name)
    }
  }
}
