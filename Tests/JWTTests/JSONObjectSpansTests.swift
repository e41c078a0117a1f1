import XCTest

@testable import JWT

/// The span scanner the validator uses (`JSONParser.scanObject` + `JSONObjectSpans`) must accept
/// and refuse exactly what the full parser does, and find members by their decoded names.
final class JSONObjectSpansTests: XCTestCase {
  private static let many = (0..<40).map { "\"m\($0)\":\($0)" }.joined(separator: ",")

  private static let texts: [(name: String, text: String)] = [
    ("empty", "{}"),
    ("typical claims", #"{"iss":"https://a/","sub":"u","aud":["x","y"],"exp":4102444800,"iat":1.5e9}"#),
    ("whitespace", " { \"a\" : 1 , \"b\" :\t[ ] }\n"),
    ("duplicate", #"{"a":1,"b":2,"a":3}"#),
    ("duplicate differing only after escape", #"{"a":1,"\u0061":2}"#),
    ("escaped names, no duplicate", #"{"\u0061":1,"b\n":2}"#),
    ("canonically equivalent names", "{\"\u{E9}\":1,\"e\u{301}\":2}"),
    ("non-ASCII names, no duplicate", "{\"\u{E9}\":1,\"\u{E8}\":2}"),
    ("duplicate in nested object", #"{"x":{"a":1,"a":2}}"#),
    ("duplicate in object in array", #"{"x":[1,{"a":1,"a":2}]}"#),
    ("many members", "{" + many + "}"),
    ("many members, duplicate at the end", "{" + many + ",\"m3\":1}"),
    ("long integer", #"{"a":123456789012345678901234567890}"#),
    ("negative zero", #"{"a":-0}"#),
    ("huge exponent", #"{"a":1e400}"#),
    ("leading zero", #"{"a":01}"#),
    ("non-ASCII string", "{\"a\":\"é😀\"}"),
    ("escapes in value", #"{"a":"x\"y\\z\u00e9"}"#),
    ("lone surrogate", #"{"a":"\ud800"}"#),
    ("control character", "{\"a\":\"x\u{1}\"}"),
    ("trailing comma", #"{"a":1,}"#),
    ("trailing content", #"{"a":1} x"#),
    ("literals", #"{"a":true,"b":false,"c":null}"#),
    ("bad literal", #"{"a":tru}"#),
    ("not an object", "[1]"),
    ("deep nesting", "{\"a\":" + String(repeating: "[", count: 40) + String(repeating: "]", count: 40) + "}"),
    ("unterminated", #"{"a":"b"#),
  ]

  func testScanAgreesWithFullParse() {
    for c in Self.texts {
      let bytes = Array(c.text.utf8)
      let full = try? JSONParser.parse(bytes)
      let scanned: [String: JSONValue]? = bytes.withUnsafeBufferPointer { buffer in
        guard var spans = try? JSONParser.scanObject(buffer) else { return nil }
        if spans.needsFullParse {
          guard (try? spans.resolveFully()) != nil else { return nil }
        }
        return spans.allMembers()
      }
      if case .object(let members)? = full {
        XCTAssertEqual(scanned, members, "\(c.name): scan differs from parse")
      } else {
        XCTAssertNil(scanned, "\(c.name): scan accepted what parse refuses")
      }
    }
  }

  func testLookupTable() {
    let cases: [(name: String, text: String, member: String, expected: JSONValue?)] = [
      ("plain", #"{"iss":"a","sub":"b"}"#, "sub", .string("b")),
      ("absent", #"{"iss":"a"}"#, "sub", nil),
      ("prefix is not a match", #"{"subject":"a"}"#, "sub", nil),
      ("escaped name", #"{"\u0073ub":"b"}"#, "sub", .string("b")),
      ("number", #"{"exp":-12}"#, "exp", .int(-12)),
      ("18 digits", #"{"exp":999999999999999999}"#, "exp", .int(999_999_999_999_999_999)),
      ("19 digits", #"{"exp":9223372036854775807}"#, "exp", .int(Int64.max)),
      ("fraction", #"{"exp":1.25}"#, "exp", .double(1.25)),
      ("array", #"{"aud":["x"]}"#, "aud", .array([.string("x")])),
    ]
    for c in cases {
      let bytes = Array(c.text.utf8)
      bytes.withUnsafeBufferPointer { buffer in
        guard var spans = try? JSONParser.scanObject(buffer) else {
          return XCTFail("\(c.name): not scanned")
        }
        if spans.needsFullParse { XCTAssertNotNil(try? spans.resolveFully(), c.name) }
        XCTAssertEqual(spans.value(named: c.member), c.expected, "\(c.name): by name")
        if c.member == "sub" {
          XCTAssertEqual(spans.value(registered: "sub"), c.expected, "\(c.name): registered")
          XCTAssertEqual(spans.contains(registered: "sub"), c.expected != nil, "\(c.name): contains")
        }
      }
    }
  }
}
