import Codecs
import XCTest

final class JSONStringTests: XCTestCase {
  func testEscapes() {
    let cases: [(name: String, text: String, json: String)] = [
      ("empty", "", #""""#),
      ("plain", "hello", #""hello""#),
      ("quote", "a\"b", #""a\"b""#),
      ("backslash", "a\\b", #""a\\b""#),
      ("named controls", "\n\r\t", #""\n\r\t""#),
      ("other control", "\u{01}", #""\u0001""#),
      ("escape and unit separator", "\u{1B}\u{1F}", #""\u001b\u001f""#),
      ("DEL", "\u{7F}", #""\u007f""#),
      ("UTF-8 passes through", "grüße ✓", "\"grüße ✓\""),
      ("slash is not escaped", "a/b", #""a/b""#),
    ]
    for c in cases {
      XCTAssertEqual(JSONString.quoted(c.text), c.json, c.name)
      var out: [UInt8] = [UInt8(ascii: "[")]
      JSONString.append(c.text, to: &out)
      XCTAssertEqual(String(decoding: out, as: UTF8.self), "[" + c.json, "\(c.name), appended")
    }
  }
}
