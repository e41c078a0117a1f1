import HTTP1
import XCTest

/// `HTTPMethod.isSafe` is the one "does this method need a CSRF token" rule: the RFC 9110 safe
/// methods do not; every other method — unknown ones, and wrong-case spellings of known ones,
/// since methods are case-sensitive — does.
final class HTTPMethodTests: XCTestCase {
  func testSafeMethods() {
    let cases: [(method: String, safe: Bool)] = [
      ("GET", true), ("HEAD", true), ("OPTIONS", true), ("TRACE", true), ("POST", false), ("PUT", false),
      ("PATCH", false), ("DELETE", false), ("PROPFIND", false), ("get", false),
    ]
    for c in cases {
      let text = Array("\(c.method) / HTTP/1.1\r\nHost: a\r\n\r\n".utf8)
      var parser = HeadParser()
      var head = RequestHead()
      let result = text.withUnsafeBytes { parser.parseRequest($0, into: &head) }
      guard case .complete = result else { return XCTFail("\(c.method): \(result)") }
      XCTAssertEqual(head.method.isSafe, c.safe, "method \(c.method)")
    }
  }
}
