import FuzzSeedSupport
import HTTP1
import XCTest

final class CookieTests: XCTestCase {
  /// `lookupNoting` says "alone" exactly when the cookie is found and removing it by name
  /// leaves nothing of the field (the upstream request then skips the rewrite's scan).
  func testLookupNotesTheOnlyPair() {
    let cases: [(field: String, alone: Bool)] = [
      ("sid=abc", true),
      (" \tsid = abc \t", true),
      (";;sid=abc;;", true),
      ("sid=abc;", true),
      ("sid=", true),
      ("sid=a=b;c", false),
      ("sid=abc; theme=dark", false),
      ("theme=dark; sid=abc", false),
      ("sid=abc; flag", false),
      ("flag;sid=abc", false),
      ("sid=abc; sid=abc", false),
      ("sidx=abc", false),
      ("sid", false),
      ("", false),
      ("a=sid=abc", false),
    ]
    for c in cases {
      let field = Array(c.field.utf8)
      var name = "sid"
      let noted = name.withUTF8 { n in
        field.withUnsafeBufferPointer { CookieHeader.lookupNoting(name: n, in: $0) }
      }
      XCTAssertEqual(noted.alone, c.alone, c.field)
      var kept = 0
      name.withUTF8 { n in
        field.withUnsafeBufferPointer {
          CookieHeader.forEachKeptPair(of: $0, removing: { $0.elementsEqual(n) }) { _ in kept += 1 }
        }
      }
      var found = false
      if case .found = noted.result { found = true }
      XCTAssertEqual(noted.alone, found && kept == 0, "\(c.field): alone means nothing is kept")
    }
  }

  func testLookup() {
    let cases: [(name: String, field: String, cookie: String, expected: String?, ambiguous: Bool)] = [
      ("only pair", "sid=abc", "sid", "abc", false),
      ("first of several", "sid=abc; theme=dark", "sid", "abc", false),
      ("last of several", "theme=dark; sid=abc", "sid", "abc", false),
      ("no space after ;", "a=1;sid=abc;b=2", "sid", "abc", false),
      ("whitespace around everything", " \ta=1 ;  sid = abc \t; b=2", "sid", "abc", false),
      ("empty value", "sid=; a=1", "sid", "", false),
      ("value with =", "sid=a=b=c", "sid", "a=b=c", false),
      ("quoted value kept", "sid=\"abc\"", "sid", "\"abc\"", false),
      ("absent", "a=1; b=2", "sid", nil, false),
      ("empty field", "", "sid", nil, false),
      ("names are case-sensitive", "SID=abc", "sid", nil, false),
      ("prefix of a name does not match", "sidx=abc; xsid=def", "sid", nil, false),
      ("segment without =", "sid; a=1", "sid", nil, false),
      ("empty segments", ";;sid=abc;;", "sid", "abc", false),
      ("name in a value does not match", "a=sid=abc", "sid", nil, false),
      ("duplicate is ambiguous", "sid=abc; a=1; sid=def", "sid", nil, true),
      ("duplicate with the same value is ambiguous", "sid=abc; sid=abc", "sid", nil, true),
      ("__Host- name", "__Host-gatehouse=v1.t; other=x", "__Host-gatehouse", "v1.t", false),
    ]
    FuzzSeeds.record("cookie", cases.map { $0.cookie + "\u{0}" + $0.field })
    for c in cases {
      let field = Array(c.field.utf8)
      XCTAssertEqual(
        CookieHeader.value(named: c.cookie, in: field).map { String(decoding: $0, as: UTF8.self) },
        c.expected, c.name)
      var name = c.cookie
      let lookup = name.withUTF8 { n in field.withUnsafeBufferPointer { CookieHeader.lookup(name: n, in: $0) }
      }
      switch lookup {
      case .ambiguous: XCTAssertTrue(c.ambiguous, "\(c.name): ambiguous")
      case .absent: XCTAssertTrue(c.expected == nil && !c.ambiguous, "\(c.name): absent")
      case .found(let range):
        XCTAssertEqual(String(decoding: field[range], as: UTF8.self), c.expected, "\(c.name): range")
      }
    }
  }

  /// Values are scanned for `;` eight bytes at a time: every value length and every position of
  /// the separator (within a word, at a word's edge, in the byte tail) ends the value exactly.
  func testValueEndsAtTheSemicolonWhereverItFalls() {
    for length in 0...40 {
      let value = String((0..<length).map { Character(UnicodeScalar(UInt8(0x41 + $0 % 26))) })
      let cases: [(prefix: String, suffix: String, rest: String?)] = [
        ("", ";b=2", "b=2"), ("x=1; ", ";b=2", "x=1; b=2"), ("xy=1;", "; b=2;c", "xy=1; b=2; c"),
        ("", "", nil),
      ]
      for (prefix, suffix, rest) in cases {
        let field = Array("\(prefix)a=\(value)\(suffix)".utf8)
        XCTAssertEqual(
          CookieHeader.value(named: "a", in: field), Array(value.utf8), "\(length) \(prefix)|\(suffix)")
        if !suffix.isEmpty {
          XCTAssertEqual(
            CookieHeader.value(named: "b", in: field), Array("2".utf8), "\(length) \(prefix)|\(suffix)")
        }
        let removed = CookieHeader.removing(name: "a", from: field).map {
          String(decoding: $0, as: UTF8.self)
        }
        XCTAssertEqual(removed, rest, "\(length) \(prefix)|\(suffix): the pair is gone, the rest kept")
      }
    }
  }

  func testRemoving() {
    let cases: [(name: String, field: String, cookie: String, expected: String?)] = [
      ("only pair", "sid=abc", "sid", nil),
      ("first", "sid=abc; a=1", "sid", "a=1"),
      ("middle", "a=1; sid=abc; b=2", "sid", "a=1; b=2"),
      ("last", "a=1; sid=abc", "sid", "a=1"),
      ("every occurrence", "sid=1; a=1; sid=2", "sid", "a=1"),
      ("whitespace normalised", "  a=1 ;sid=abc;\tb = 2 ", "sid", "a=1; b = 2"),
      ("absent leaves the rest", "a=1;b=2", "sid", "a=1; b=2"),
      ("segment without = is kept", "flag; sid=abc", "sid", "flag"),
      ("only empty segments left", " ; sid=abc ;", "sid", nil),
      ("empty field", "", "sid", nil),
      ("case-sensitive", "SID=abc; sid=x", "sid", "SID=abc"),
    ]
    for c in cases {
      let out = CookieHeader.removing(name: c.cookie, from: Array(c.field.utf8))
      XCTAssertEqual(out.map { String(decoding: $0, as: UTF8.self) }, c.expected, c.name)
    }
  }

  func testBuild() {
    let cases: [(name: String, build: () throws(CookieError) -> String, expected: String)] = [
      (
        "defaults",
        { () throws(CookieError) in try SetCookie.build(name: "__Host-gatehouse", value: "v1.abc_-") },
        "__Host-gatehouse=v1.abc_-; Path=/; Secure; HttpOnly; SameSite=Lax"
      ),
      (
        "every attribute",
        { () throws(CookieError) in
          try SetCookie.build(
            name: "s", value: "x", path: "/app", domain: "example.com", maxAge: 3600, secure: true,
            httpOnly: true, sameSite: .strict)
        },
        "s=x; Path=/app; Domain=example.com; Max-Age=3600; Secure; HttpOnly; SameSite=Strict"
      ),
      (
        "plain HTTP development",
        { () throws(CookieError) in
          try SetCookie.build(name: "gh_session", value: "t", secure: false, httpOnly: true, sameSite: .lax)
        },
        "gh_session=t; Path=/; HttpOnly; SameSite=Lax"
      ),
      (
        "script-readable, no SameSite",
        { () throws(CookieError) in
          try SetCookie.build(name: "csrf", value: "tok", httpOnly: false, sameSite: nil)
        },
        "csrf=tok; Path=/; Secure"
      ),
      (
        "SameSite None",
        { () throws(CookieError) in
          try SetCookie.build(name: "s", value: "v", sameSite: SetCookie.SameSite.none)
        },
        "s=v; Path=/; Secure; HttpOnly; SameSite=None"
      ),
      (
        "empty value", { () throws(CookieError) in try SetCookie.build(name: "s", value: "") },
        "s=; Path=/; Secure; HttpOnly; SameSite=Lax"
      ),
      (
        "max-age zero", { () throws(CookieError) in try SetCookie.build(name: "s", value: "v", maxAge: 0) },
        "s=v; Path=/; Max-Age=0; Secure; HttpOnly; SameSite=Lax"
      ),
      (
        "deletion mirrors the attributes",
        { () throws(CookieError) in
          try SetCookie.deletion(
            name: "s", path: "/app", domain: "example.com", secure: true, httpOnly: true, sameSite: .strict)
        },
        "s=; Path=/app; Domain=example.com; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Secure; HttpOnly; SameSite=Strict"
      ),
      (
        "deletion plain HTTP",
        { () throws(CookieError) in try SetCookie.deletion(name: "gh_session", secure: false) },
        "gh_session=; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Lax"
      ),
    ]
    for c in cases {
      do {
        let built = try c.build()
        XCTAssertEqual(built, c.expected, c.name)
      } catch {
        XCTFail("\(c.name): \(error)")
      }
    }
  }

  func testBuildRefusesInvalidParts() {
    let cases: [(name: String, build: () throws(CookieError) -> String, part: CookieError.Part)] = [
      ("empty name", { () throws(CookieError) in try SetCookie.build(name: "", value: "v") }, .name),
      ("name with =", { () throws(CookieError) in try SetCookie.build(name: "a=b", value: "v") }, .name),
      ("name with space", { () throws(CookieError) in try SetCookie.build(name: "a b", value: "v") }, .name),
      (
        "value with ;", { () throws(CookieError) in try SetCookie.build(name: "s", value: "v; Domain=evil") },
        .value
      ),
      (
        "value with space", { () throws(CookieError) in try SetCookie.build(name: "s", value: "a b") }, .value
      ),
      (
        "value with comma", { () throws(CookieError) in try SetCookie.build(name: "s", value: "a,b") }, .value
      ),
      (
        "value with quote", { () throws(CookieError) in try SetCookie.build(name: "s", value: "\"a\"") },
        .value
      ),
      (
        "value with backslash", { () throws(CookieError) in try SetCookie.build(name: "s", value: "a\\b") },
        .value
      ),
      (
        "value with CR LF",
        { () throws(CookieError) in try SetCookie.build(name: "s", value: "a\r\nSet-Cookie: x=y") }, .value
      ),
      ("value non-ASCII", { () throws(CookieError) in try SetCookie.build(name: "s", value: "é") }, .value),
      (
        "relative path",
        { () throws(CookieError) in try SetCookie.build(name: "s", value: "v", path: "app") }, .path
      ),
      (
        "empty path", { () throws(CookieError) in try SetCookie.build(name: "s", value: "v", path: "") },
        .path
      ),
      (
        "path with ;",
        { () throws(CookieError) in try SetCookie.build(name: "s", value: "v", path: "/a;Secure") }, .path
      ),
      (
        "domain with ;",
        { () throws(CookieError) in try SetCookie.build(name: "s", value: "v", domain: "a.com;x") }, .domain
      ),
      (
        "negative max-age",
        { () throws(CookieError) in try SetCookie.build(name: "s", value: "v", maxAge: -1) }, .maxAge
      ),
      ("deletion bad name", { () throws(CookieError) in try SetCookie.deletion(name: "a;b") }, .name),
    ]
    for c in cases {
      do {
        let built = try c.build()
        XCTFail("\(c.name): built \(built)")
      } catch {
        XCTAssertEqual(error.part, c.part, c.name)
      }
    }
  }

  func testCookieOctets() {
    let allowed = Set((0x21...0x7E).map(UInt8.init)).subtracting([0x22, 0x2C, 0x3B, 0x5C])
    for b in 0...255 {
      XCTAssertEqual(SetCookie.isCookieOctet(UInt8(b)), allowed.contains(UInt8(b)), "byte \(b)")
    }
  }
}
