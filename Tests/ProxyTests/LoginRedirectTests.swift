import XCTest

@testable import Proxy

final class LoginRedirectTests: XCTestCase {
  func testPercentEncodingKeepsUnreservedAndUpperCasesTheRest() {
    let cases: [(name: String, text: String, encoded: String)] = [
      ("unreserved", "AZaz09-._~", "AZaz09-._~"),
      ("path", "/app/x", "%2Fapp%2Fx"),
      ("query characters", "?a=1&b", "%3Fa%3D1%26b"),
      ("space and percent", " %", "%20%25"),
      ("UTF-8 bytes", "é", "%C3%A9"),
      ("control and DEL", "\u{01}\u{7F}", "%01%7F"),
    ]
    for c in cases { XCTAssertEqual(LoginRedirect.percentEncode(c.text), c.encoded, c.name) }
  }
}
