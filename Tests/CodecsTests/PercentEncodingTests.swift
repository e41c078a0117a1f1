import Codecs
import XCTest

final class PercentEncodingTests: XCTestCase {
  func testUnreservedStayEverythingElseIsEscaped() {
    let cases: [(String, String)] = [
      ("", ""),
      ("AZaz09-._~", "AZaz09-._~"),
      ("/app/x?y=1&z", "%2Fapp%2Fx%3Fy%3D1%26z"),
      ("a b+c", "a%20b%2Bc"),
      ("é", "%C3%A9"),
      ("\r\n%", "%0D%0A%25"),
    ]
    for (text, expected) in cases { XCTAssertEqual(PercentEncoding.encode(text), expected, text) }
  }
}
