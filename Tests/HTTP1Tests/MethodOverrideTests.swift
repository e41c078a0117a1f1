import FuzzSeedSupport
import XCTest

@testable import HTTP1

/// Method overrides count as unsafe for CSRF when they name an unsafe method (docs/security.md,
/// "Methods and CSRF"); tables run whole.
final class MethodOverrideTests: XCTestCase {
  func testHeaderValues() {
    let cases: [(value: String, unsafe: Bool)] = [
      ("DELETE", true), ("delete", true), (" PUT ", true), ("PATCH", true), ("POST", true),
      ("PROPFIND", true), ("x", true), ("GET", false), ("get", false), ("HEAD", false),
      ("Options", false), ("TRACE", false), ("", false), ("  ", false), ("\tGET\t", false),
      ("GET,DELETE", true), ("GETX", true),
    ]
    for c in cases {
      let got = Array(c.value.utf8).withUnsafeBytes { MethodOverride.namesUnsafeMethod($0) }
      XCTAssertEqual(got, c.unsafe, "header value \(c.value.debugDescription)")
    }
  }

  func testQueryParameters() {
    let names = [Array("_method".utf8), Array("__method".utf8)]
    let cases: [(query: String, unsafe: Bool)] = [
      ("_method=DELETE", true),
      ("a=1&_method=delete&b=2", true),
      ("a=1;_method=PUT", true),
      ("__method=PATCH", true),
      ("%5Fmethod=DELETE", true),
      ("_method=%44ELETE", true),
      ("_method=+DELETE+", true),
      ("_method=GET", false),
      ("_method=get&x=DELETE", false),
      ("_method=GET&_method=DELETE", true),
      ("_method=", false),
      ("_method", false),
      ("_Method=DELETE", false),
      ("x_method=DELETE", false),
      ("method=DELETE", false),
      ("", false),
      ("&&&", false),
      ("_method=%4", true),
      ("_method=%zzGET", true),
    ]
    for c in cases {
      let got = Array(c.query.utf8).withUnsafeBytes {
        MethodOverride.queryNamesUnsafeMethod($0, names: names)
      }
      XCTAssertEqual(got, c.unsafe, "query \(c.query.debugDescription)")
    }
    FuzzSeeds.record("method-override", cases.map(\.query))
    let none = Array("_method=DELETE".utf8).withUnsafeBytes {
      MethodOverride.queryNamesUnsafeMethod($0, names: [])
    }
    XCTAssertFalse(none, "no parameter names configured")
  }
}
