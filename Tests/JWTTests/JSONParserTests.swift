import FuzzSeedSupport
import JWT
import XCTest

final class JSONParserTests: XCTestCase {
  func testValidTable() throws {
    let cases: [(name: String, input: String, expected: JSONValue)] = [
      ("empty object", "{}", .object([:])),
      ("empty array", " [ ] ", .array([])),
      ("literals", "[true,false,null]", .array([.bool(true), .bool(false), .null])),
      ("integer", "42", .int(42)),
      ("negative integer", "-7", .int(-7)),
      ("zero", "0", .int(0)),
      ("Int64 max", "9223372036854775807", .int(Int64.max)),
      ("beyond Int64 is a double", "9223372036854775808", .double(9_223_372_036_854_775_808)),
      ("fraction", "1.5", .double(1.5)),
      ("exponent", "1e3", .double(1000)),
      ("negative exponent", "25E-1", .double(2.5)),
      ("string", "\"abc\"", .string("abc")),
      ("escapes", #""\"\\\/\b\f\n\r\t""#, .string("\"\\/\u{8}\u{c}\n\r\t")),
      ("unicode escape", #""\u00e9""#, .string("é")),
      ("surrogate pair", #""\ud83d\ude00""#, .string("😀")),
      ("raw UTF-8", "\"😀é\"", .string("😀é")),
      (
        "nested", #"{"a":[1,{"b":null}],"c":"d"}"#,
        .object(["a": .array([.int(1), .object(["b": .null])]), "c": .string("d")])
      ),
      ("whitespace", " \t\r\n{ \"a\" : 1 } \n", .object(["a": .int(1)])),
    ]
    FuzzSeeds.record("json", cases.map(\.input))
    for c in cases {
      XCTAssertEqual(try JSONParser.parse(c.input), c.expected, c.name)
    }
  }

  func testInvalidTable() {
    let cases: [(name: String, input: [UInt8])] = [
      ("empty", []),
      ("duplicate member", Array(#"{"a":1,"a":2}"#.utf8)),
      ("duplicate member nested", Array(#"{"x":{"a":1,"b":2,"a":1}}"#.utf8)),
      ("trailing comma object", Array(#"{"a":1,}"#.utf8)),
      ("trailing comma array", Array("[1,]".utf8)),
      ("trailing content", Array("{} {}".utf8)),
      ("leading zero", Array("01".utf8)),
      ("bare minus", Array("-".utf8)),
      ("dot without digits", Array("1.".utf8)),
      ("exponent without digits", Array("1e".utf8)),
      ("NaN", Array("NaN".utf8)),
      ("Infinity", Array("Infinity".utf8)),
      ("huge number", Array("1e400".utf8)),
      ("single quotes", Array("'a'".utf8)),
      ("unquoted name", Array("{a:1}".utf8)),
      ("control char in string", Array("\"a\u{1}b\"".utf8)),
      ("raw newline in string", Array("\"a\nb\"".utf8)),
      ("bad escape", Array(#""\x""#.utf8)),
      ("short unicode escape", Array(#""\u12""#.utf8)),
      ("lone high surrogate", Array(#""\ud83d""#.utf8)),
      ("high surrogate then other escape", Array(#""\ud83d\u0041""#.utf8)),
      ("lone low surrogate", Array(#""\ude00""#.utf8)),
      ("invalid UTF-8", [0x22, 0xC3, 0x28, 0x22]),
      ("overlong UTF-8", [0x22, 0xC0, 0xAF, 0x22]),
      ("unterminated string", Array("\"abc".utf8)),
      ("unterminated object", Array("{\"a\":1".utf8)),
      ("byte order mark", [0xEF, 0xBB, 0xBF] + Array("{}".utf8)),
      ("truncated literal", Array("tru".utf8)),
      ("vertical tab whitespace", Array("\u{b}{}".utf8)),
      (
        "too deep",
        Array(String(repeating: "[", count: 40).utf8) + Array(String(repeating: "]", count: 40).utf8)
      ),
    ]
    FuzzSeeds.record("json", cases.map(\.input))
    for c in cases {
      XCTAssertThrowsError(try JSONParser.parse(c.input), c.name)
    }
  }

  func testDepthLimitIsExact() {
    let ok = String(repeating: "[", count: 32) + String(repeating: "]", count: 32)
    let tooDeep = "[" + ok + "]"
    XCTAssertNoThrow(try JSONParser.parse(ok), "depth 32")
    XCTAssertThrowsError(try JSONParser.parse(tooDeep), "depth 33")
  }
}
