import FuzzSeedSupport
import HTTP1
import XCTest

private typealias C = ParsedSetCookie

/// 2015-10-21T07:28:00Z, the date in most examples below.
private let oct21 = Int64(1_445_412_480)

private let long4000 = String(repeating: "v", count: 4000)
private let long1025 = "/" + String(repeating: "p", count: 1024)

/// One row: a `Set-Cookie` value and the cookie it means, or the part that makes it unusable.
private let setCookieCases: [(name: String, input: String, expect: Result<ParsedSetCookie, CookieError>)] = [
  // MARK: name and value
  ("minimal", "a=b", .success(C(name: "a", value: "b"))),
  ("empty value", "a=", .success(C(name: "a", value: ""))),
  ("quoted value kept with its quotes", "a=\"bc\"", .success(C(name: "a", value: "\"bc\""))),
  ("empty quoted value", "a=\"\"", .success(C(name: "a", value: "\"\""))),
  ("value with =", "a=b=c", .success(C(name: "a", value: "b=c"))),
  ("whitespace around = and the pair", " a \t= b ", .success(C(name: "a", value: "b"))),
  (
    "__Host- name", "__Host-gatehouse=v1.x; Path=/; Secure",
    .success(C(name: "__Host-gatehouse", value: "v1.x", path: "/", secure: true))
  ),
  (
    "name and value at 4096 bytes", "n=" + String(repeating: "v", count: 4095),
    .success(C(name: "n", value: String(repeating: "v", count: 4095)))
  ),
  ("no =", "abc", .failure(CookieError(.pair))),
  ("no = before ;", "abc; a=b", .failure(CookieError(.pair))),
  ("empty name", "=abc", .failure(CookieError(.name))),
  ("blank name", " =abc", .failure(CookieError(.name))),
  ("name with space", "a b=c", .failure(CookieError(.name))),
  ("name with @", "a@b=c", .failure(CookieError(.name))),
  ("name with [", "a[1]=c", .failure(CookieError(.name))),
  ("value with space", "a=b c", .failure(CookieError(.value))),
  ("value with comma", "a=b,c", .failure(CookieError(.value))),
  ("value with backslash", "a=b\\c", .failure(CookieError(.value))),
  ("value with inner quote", "a=b\"c", .failure(CookieError(.value))),
  ("unbalanced quote", "a=\"bc", .failure(CookieError(.value))),
  ("lone quote", "a=\"", .failure(CookieError(.value))),
  ("non-ASCII value", "a=caf\u{e9}", .failure(CookieError(.value))),
  ("NUL", "a=b\u{0}c", .failure(CookieError(.controlCharacter))),
  ("CR LF in an attribute", "a=b; Path=/\r\nX: y", .failure(CookieError(.controlCharacter))),
  ("DEL", "a=b\u{7f}", .failure(CookieError(.controlCharacter))),
  ("over 4096 bytes", "n=" + String(repeating: "v", count: 4095) + "v", .failure(CookieError(.size))),

  // MARK: attributes
  (
    "every attribute",
    "id=a3fWa; Expires=Wed, 21 Oct 2015 07:28:00 GMT; Max-Age=3600; Domain=.Example.COM; Path=/docs; Secure; HttpOnly; SameSite=Strict; Partitioned",
    .success(
      C(
        name: "id", value: "a3fWa", expires: oct21, maxAge: 3600, domain: "example.com", path: "/docs",
        secure: true,
        httpOnly: true, sameSite: .strict, partitioned: true))
  ),
  (
    "attribute names any case", "a=b; secure; HTTPONLY; samesite=lax; PATH=/",
    .success(C(name: "a", value: "b", path: "/", secure: true, httpOnly: true, sameSite: .lax))
  ),
  (
    "SameSite None", "a=b; SameSite=None; Secure",
    .success(C(name: "a", value: "b", secure: true, sameSite: SetCookie.SameSite.none))
  ),
  ("no space after ;", "a=b;Path=/;Secure", .success(C(name: "a", value: "b", path: "/", secure: true))),
  (
    "whitespace around attribute =", "a=b; Path = /x ; Max-Age =\t5",
    .success(C(name: "a", value: "b", maxAge: 5, path: "/x"))
  ),
  ("empty segments ignored", "a=b;; Secure;", .success(C(name: "a", value: "b", secure: true))),
  ("max-age zero", "a=b; Max-Age=0", .success(C(name: "a", value: "b", maxAge: 0))),
  ("max-age negative", "a=b; Max-Age=-1", .success(C(name: "a", value: "b", maxAge: -1))),
  ("max-age leading zeros", "a=b; Max-Age=007", .success(C(name: "a", value: "b", maxAge: 7))),
  (
    "max-age saturates", "a=b; Max-Age=99999999999999999999999",
    .success(C(name: "a", value: "b", maxAge: Int64.max))
  ),
  (
    "unknown attributes kept", "a=b; Priority=High; Comment = x y; Version",
    .success(C(name: "a", value: "b", extensions: ["Priority=High", "Comment = x y", "Version"]))
  ),
  ("domain IPv4", "a=b; Domain=10.0.0.1", .success(C(name: "a", value: "b", domain: "10.0.0.1"))),
  ("path with spaces inside", "a=b; Path=/a b", .success(C(name: "a", value: "b", path: "/a b"))),
  (
    "path at 1024 bytes", "a=b; Path=" + String(long1025.dropLast()),
    .success(C(name: "a", value: "b", path: String(long1025.dropLast())))
  ),
  ("secure with a value", "a=b; Secure=false", .failure(CookieError(.flagWithValue))),
  ("httponly with an empty value", "a=b; HttpOnly=", .failure(CookieError(.flagWithValue))),
  ("partitioned with a value", "a=b; Partitioned=1", .failure(CookieError(.flagWithValue))),
  ("duplicate Path", "a=b; Path=/; Path=/admin", .failure(CookieError(.duplicateAttribute))),
  ("duplicate Secure, any case", "a=b; Secure; secure", .failure(CookieError(.duplicateAttribute))),
  ("duplicate Max-Age", "a=b; Max-Age=1; max-age=2", .failure(CookieError(.duplicateAttribute))),
  ("unknown SameSite", "a=b; SameSite=Loose", .failure(CookieError(.sameSite))),
  ("empty SameSite", "a=b; SameSite", .failure(CookieError(.sameSite))),
  ("relative path", "a=b; Path=docs", .failure(CookieError(.path))),
  ("empty path", "a=b; Path=", .failure(CookieError(.path))),
  ("path over 1024 bytes", "a=b; Path=" + long1025, .failure(CookieError(.size))),
  ("empty domain", "a=b; Domain=", .failure(CookieError(.domain))),
  ("domain only a dot", "a=b; Domain=.", .failure(CookieError(.domain))),
  ("domain with empty label", "a=b; Domain=a..b", .failure(CookieError(.domain))),
  ("domain with trailing dot", "a=b; Domain=example.com.", .failure(CookieError(.domain))),
  ("domain with underscore", "a=b; Domain=a_b.com", .failure(CookieError(.domain))),
  ("domain with port", "a=b; Domain=a.com:80", .failure(CookieError(.domain))),
  ("max-age not a number", "a=b; Max-Age=1h", .failure(CookieError(.maxAge))),
  ("max-age plus sign", "a=b; Max-Age=+5", .failure(CookieError(.maxAge))),
  ("max-age empty", "a=b; Max-Age=", .failure(CookieError(.maxAge))),
  ("max-age lone minus", "a=b; Max-Age=-", .failure(CookieError(.maxAge))),
  ("bad expires", "a=b; Expires=tomorrow", .failure(CookieError(.expires))),
  ("expires without a value", "a=b; Expires", .failure(CookieError(.expires))),
  ("attribute name not a token", "a=b; Pa(th=/", .failure(CookieError(.attribute))),
  ("attribute with only =", "a=b; =x", .failure(CookieError(.attribute))),
  ("non-ASCII attribute value", "a=b; Path=/caf\u{e9}", .failure(CookieError(.attribute))),

  // MARK: dates the browsers' algorithm reads
  (
    "RFC 850 style with dashes", "a=b; Expires=Wednesday, 21-Oct-15 07:28:00 GMT",
    .success(C(name: "a", value: "b", expires: oct21))
  ),
  (
    "asctime style", "a=b; Expires=Wed Oct 21 07:28:00 2015",
    .success(C(name: "a", value: "b", expires: oct21))
  ),
  (
    "PHP style", "a=b; expires=Wed, 21-Oct-2015 07:28:00 GMT; Max-Age=0",
    .success(C(name: "a", value: "b", expires: oct21, maxAge: 0))
  ),
  (
    "Feb 29 of a leap year", "a=b; Expires=29 Feb 2024 00:00:00",
    .success(C(name: "a", value: "b", expires: 1_709_164_800))
  ),
  ("Feb 29 of another year", "a=b; Expires=29 Feb 2023 00:00:00", .failure(CookieError(.expires))),
  ("year before 1601", "a=b; Expires=01 Jan 1600 00:00:00", .failure(CookieError(.expires))),
  ("hour 24", "a=b; Expires=01 Jan 2020 24:00:00", .failure(CookieError(.expires))),
  ("no time", "a=b; Expires=01 Jan 2020", .failure(CookieError(.expires))),

  // MARK: prefixes
  (
    "__Secure- with Secure", "__Secure-a=b; Secure", .success(C(name: "__Secure-a", value: "b", secure: true))
  ),
  ("__Secure- without Secure", "__Secure-a=b", .failure(CookieError(.prefix))),
  ("__secure- lowercase without Secure", "__secure-a=b", .failure(CookieError(.prefix))),
  ("__Host- without Path", "__Host-a=b; Secure", .failure(CookieError(.prefix))),
  ("__Host- with another Path", "__Host-a=b; Secure; Path=/app", .failure(CookieError(.prefix))),
  ("__Host- with Domain", "__Host-a=b; Secure; Path=/; Domain=example.com", .failure(CookieError(.prefix))),
  ("__HOST- uppercase without Secure", "__HOST-a=b; Path=/", .failure(CookieError(.prefix))),
]

final class SetCookieParserTests: XCTestCase {
  func testTable() {
    FuzzSeeds.record("set-cookie", setCookieCases.map(\.input))
    for c in setCookieCases {
      let got = Result { () throws(CookieError) in try SetCookieParser.parse(c.input) }
      XCTAssertEqual(got, c.expect, c.name)
    }
  }

  /// Every cookie the parser accepts serialises to a value that parses back to the same cookie.
  func testSerialisationRoundTrips() throws {
    for c in setCookieCases {
      guard case .success(let cookie) = c.expect else { continue }
      let serialised = try cookie.fieldValue()
      XCTAssertEqual(try SetCookieParser.parse(serialised), cookie, "\(c.name): \(serialised)")
    }
  }

  func testSerialisationRefusesWhatCannotBeReadBack() {
    let cases: [(String, ParsedSetCookie, CookieError.Part)] = [
      ("bad name", C(name: "a;b", value: "v"), .name),
      ("bad value", C(name: "a", value: "v; Domain=evil"), .value),
      ("relative path", C(name: "a", value: "v", path: "x"), .path),
      ("bad domain", C(name: "a", value: "v", domain: "a..b"), .domain),
      (
        "extension shadowing a known attribute", C(name: "a", value: "v", extensions: ["Max-Age=5"]),
        .attribute
      ),
      ("extension with ;", C(name: "a", value: "v", extensions: ["x=1; Secure"]), .attribute),
      ("padded extension", C(name: "a", value: "v", extensions: [" x"]), .attribute),
    ]
    for (name, cookie, part) in cases {
      XCTAssertThrowsError(try cookie.fieldValue(), name) {
        XCTAssertEqual(($0 as? CookieError)?.part, part, name)
      }
    }
  }

  func testCanonicalSerialisation() throws {
    let cookie = C(
      name: "id", value: "x", expires: oct21, maxAge: 60, domain: "example.com", path: "/", secure: true,
      httpOnly: true, sameSite: .lax, partitioned: true, extensions: ["Priority=High"])
    XCTAssertEqual(
      try cookie.fieldValue(),
      "id=x; Path=/; Domain=example.com; Max-Age=60; Expires=Wed, 21 Oct 2015 07:28:00 GMT; Secure; HttpOnly; SameSite=Lax; Partitioned; Priority=High"
    )
  }

  /// The name a browser stores and Gatehouse reads back, however the app spells the line.
  func testEffectiveName() {
    let cases: [(String, String, String?)] = [
      ("plain", "sid=abc; Path=/", "sid"),
      ("whitespace", " \tsid \t= abc", "sid"),
      ("nameless cookie comes back as its value", "=sid=abc", "sid"),
      ("nameless with whitespace", " = sid = abc; Path=/", "sid"),
      ("no = anywhere", "sid", nil),
      ("= only after ;", "sid; Path=/", nil),
      ("nameless without inner =", "=abc", nil),
      ("empty", "", nil),
      ("only =", "=", nil),
      ("nameless, empty inner name", "==abc", nil),
      ("quoted value", "sid=\"a=b\"", "sid"),
      ("invalid bytes still name the cookie", "s d=\u{1}x", "s d"),
    ]
    for (name, input, want) in cases {
      let bytes = Array(input.utf8)
      let got = bytes.withUnsafeBytes { raw in
        SetCookieParser.effectiveName(in: raw).map { String(decoding: raw[$0], as: UTF8.self) }
      }
      XCTAssertEqual(got, want, name)
    }
  }

  func testCookieDateTable() {
    let cases: [(String, String, Int64?)] = [
      ("IMF-fixdate", "Sun, 06 Nov 1994 08:49:37 GMT", 784_111_777),
      ("RFC 850", "Sunday, 06-Nov-94 08:49:37 GMT", 784_111_777),
      ("asctime", "Sun Nov  6 08:49:37 1994", 784_111_777),
      ("order does not matter", "1994 08:49:37 Nov 6", 784_111_777),
      ("month spelled out", "6 November 1994 8:49:37", 784_111_777),
      ("two-digit year 69 is 2069", "01 Jan 69 00:00:00", 3_124_224_000),
      ("two-digit year 70 is 1970", "01 Jan 70 00:00:00", 0),
      ("day with suffix", "1st Jan 2000 00:00:00", 946_684_800),
      ("time with suffix", "01 Jan 2000 00:00:00Z", 946_684_800),
      ("single-digit time fields", "01 Jan 2000 1:2:3", 946_688_523),
      ("year 1601", "01 Jan 1601 00:00:00", -11_644_473_600),
      ("year 9999", "31 Dec 9999 23:59:59", 253_402_300_799),
      ("second token of each kind ignored", "01 Jan 2000 00:00:00 02 Feb 2001 11:11:11", 946_684_800),
      ("three-digit day is not a day", "001 Jan 2000 00:00:00", nil),
      ("no month", "01 2000 00:00:00", nil),
      ("no year", "01 Jan 00:00:00", nil),
      ("day 0", "00 Jan 2000 00:00:00", nil),
      ("day 32", "32 Jan 2000 00:00:00", nil),
      ("31 April", "31 Apr 2000 00:00:00", nil),
      ("minute 60", "01 Jan 2000 00:60:00", nil),
      ("second 60", "01 Jan 2000 00:00:60", nil),
      ("three-digit time field", "01 Jan 2000 000:00:00", nil),
      ("five-digit year", "01 Jan 20000 00:00:00", nil),
      ("empty", "", nil),
      ("only delimiters", " ,;-", nil),
    ]
    for (name, input, want) in cases {
      XCTAssertEqual(CookieDate.parse(input), want, name)
    }
  }

  func testCookieDateFormatRoundTrips() {
    let instants: [Int64] = [
      0, 784_111_777, 951_782_400, 1_709_164_800, -11_644_473_600, 253_402_300_799, -1,
    ]
    for instant in instants {
      let text = CookieDate.format(instant)
      XCTAssertEqual(CookieDate.parse(text), instant, text)
    }
    XCTAssertEqual(CookieDate.format(0), "Thu, 01 Jan 1970 00:00:00 GMT")
    XCTAssertEqual(CookieDate.format(784_111_777), "Sun, 06 Nov 1994 08:49:37 GMT")
    XCTAssertEqual(CookieDate.format(951_782_400), "Tue, 29 Feb 2000 00:00:00 GMT")
    XCTAssertEqual(CookieDate.format(Int64.max), "Fri, 31 Dec 9999 23:59:59 GMT")
    XCTAssertEqual(CookieDate.format(Int64.min), "Mon, 01 Jan 1601 00:00:00 GMT")
  }

  func testEveryPartHasACase() {
    let covered = Set(
      setCookieCases.compactMap { c -> CookieError.Part? in
        if case .failure(let error) = c.expect { return error.part }
        return nil
      })
    XCTAssertEqual(covered, Set(CookieError.Part.allCases), "parts without a refusal case")
  }
}
