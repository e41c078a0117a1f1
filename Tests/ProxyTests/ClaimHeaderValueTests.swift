import JWT
import XCTest

@testable import Proxy

/// `claim_headers` values: scalars as written, arrays joined with `,`, everything that cannot be
/// carried faithfully dropped whole.
final class ClaimHeaderValueTests: XCTestCase {
  func testTable() {
    let long = String(repeating: "a", count: ClaimHeaderValue.maxBytes)
    let cases: [(name: String, value: JSONValue, text: String?)] = [
      ("string", .string("alice@example.com"), "alice@example.com"),
      ("integer", .int(3), "3"),
      ("boolean", .bool(true), "true"),
      ("double", .double(1.5), "1.5"),
      ("null", .null, nil),
      ("object", .object(["a": .int(1)]), nil),
      ("control byte", .string("line1\r\nX-Evil: 1"), nil),
      ("DEL", .string("a\u{7F}"), nil),
      ("a scalar's commas are data", .string("Doe, Jane"), "Doe, Jane"),
      ("array of strings", .array([.string("admin"), .string("ops")]), "admin,ops"),
      ("array of one", .array([.string("admin")]), "admin"),
      ("mixed scalars", .array([.string("a"), .int(2), .bool(false)]), "a,2,false"),
      ("empty array", .array([]), nil),
      ("element with a comma", .array([.string("a"), .string("b,c")]), nil),
      ("element with a control byte", .array([.string("a\nb")]), nil),
      ("nested array", .array([.array([.string("a")])]), nil),
      ("element null", .array([.string("a"), .null]), nil),
      ("scalar at the bound", .string(long), long),
      ("scalar over the bound", .string(long + "a"), nil),
      (
        "array at the bound", .array([.string(String(long.dropFirst(2))), .string("b")]),
        String(long.dropFirst(2)) + ",b"
      ),
      ("array over the bound", .array([.string(String(long.dropFirst(1))), .string("b")]), nil),
    ]
    for c in cases {
      XCTAssertEqual(ClaimHeaderValue.text(c.value), c.text, c.name)
    }
  }

  func testUserClaimStaysScalar() {
    XCTAssertNil(ClaimHeaderValue.scalar(.array([.string("alice")])), "a one-element array is not a user id")
    XCTAssertEqual(ClaimHeaderValue.scalar(.string("alice")), "alice")
  }
}
