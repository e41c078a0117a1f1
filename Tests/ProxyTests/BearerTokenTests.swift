import JWT
import XCTest

@testable import Proxy

final class BearerTokenTests: XCTestCase {
  func testAuthorizationTable() {
    let cases: [(name: String, value: String, expected: String?)] = [
      ("plain", "Bearer abc.def.ghi", "abc.def.ghi"),
      ("lower-case scheme", "bearer abc", "abc"),
      ("upper-case scheme", "BEARER abc", "abc"),
      ("several spaces", "Bearer   abc", "abc"),
      ("token68 padding", "Bearer ab+/c==", "ab+/c=="),
      ("basic", "Basic dXNlcjpwYXNz", nil),
      ("scheme prefix only", "Bearerabc", nil),
      ("empty", "", nil),
    ]
    for c in cases {
      let value = Array(c.value.utf8)
      switch BearerToken.fromAuthorization(value) {
      case .token(let range):
        XCTAssertEqual(String(decoding: value[range], as: UTF8.self), c.expected, c.name)
      case .absent: XCTAssertNil(c.expected, "\(c.name): absent")
      case .malformed: XCTFail("\(c.name): malformed")
      }
    }
    let malformed = [
      "Bearer", "Bearer\tabc", "Bearer a b", "Bearer a,b", "Bearer =abc", "Bearer abc=d", "Bearer a\"b",
    ]
    for value in malformed {
      XCTAssertEqual(BearerToken.fromAuthorization(Array(value.utf8)), .malformed, value)
    }
  }

  /// `isToken68` accepts exactly the tokens `fromAuthorization` returns.
  func testIsToken68AgreesWithFromAuthorization() {
    let tokens = [
      "abc.def.ghi", "ab+/c==", "a-b_c~d", "A", "a=", "", "=abc", "abc=d", "a b", "a,b", "a\"b", "é", "a\tb",
      "a.b.c ",
    ]
    for token in tokens {
      let expected: Bool
      if case .token = BearerToken.fromAuthorization(Array("Bearer \(token)".utf8)) {
        expected = true
      } else {
        expected = false
      }
      XCTAssertEqual(Array(token.utf8).withUnsafeBufferPointer { BearerToken.isToken68($0) }, expected, token)
    }
  }

  /// A JWT grant's principal hash is rendered only when read, and reads as the eager one did.
  func testPrincipalHashIsRenderedWhenRead() {
    let lazy = PrincipalHash.jwt(issuer: "https://a/", user: "u")
    XCTAssertEqual(lazy.text, "f67047f34fa2babe")
    XCTAssertEqual(lazy, PrincipalHash("f67047f34fa2babe"))
    let grant = AuthGrant(identityHeaders: [], method: "jwt", principal: lazy)
    XCTAssertEqual(grant.principalHash, "f67047f34fa2babe")
    XCTAssertEqual(
      AuthGrant(identityHeaders: [], method: "session", principalHash: "p:1").principalHash, "p:1")
  }

  func testCookieTable() {
    let cases: [(name: String, cookies: String, expected: String?)] = [
      ("only cookie", "at=tok", "tok"),
      ("among others", "theme=dark; at=tok; x=y", "tok"),
      ("quoted", "at=\"tok\"", "tok"),
      ("prefix name is not a match", "xat=1; at=tok", "tok"),
      ("absent", "theme=dark", nil),
      ("empty value", "at=", nil),
      ("name without value", "at; b=c", nil),
    ]
    for c in cases {
      let bytes = Array(c.cookies.utf8)
      let range = BearerToken.fromCookies(bytes, name: Array("at".utf8))
      XCTAssertEqual(range.map { String(decoding: bytes[$0], as: UTF8.self) }, c.expected, c.name)
    }
  }

  func testKindCodes() {
    XCTAssertEqual(JWTAuthenticator.code(.unknownKid), "unknown_kid")
    XCTAssertEqual(JWTAuthenticator.code(.expired), "expired")
    XCTAssertEqual(JWTAuthenticator.code(.audienceMismatch), "audience_mismatch")
    XCTAssertEqual(JWTAuthenticator.principalHash("https://a/", "u").count, 16)
    XCTAssertEqual(
      JWTAuthenticator.principalHash("https://a/", "u"), "f67047f34fa2babe",
      "SHA-256(iss NUL user), 8 bytes in hex")
    XCTAssertNotEqual(
      JWTAuthenticator.principalHash("https://a/", "u"), JWTAuthenticator.principalHash("https://b/", "u"))
  }

  func testCacheControlMaxAge() {
    let cases: [(String, Int64?)] = [
      ("max-age=300", 300), ("public, max-age=60, must-revalidate", 60), ("no-store", 0), ("no-cache", 0),
      ("max-age=\"120\"", 120), ("max-age=abc", nil), ("private", nil), ("MAX-AGE=5", 5),
    ]
    for (value, expected) in cases {
      let result = Array(value.utf8).withUnsafeBytes { JWKSHTTPClient.cacheControlMaxAge($0) }
      XCTAssertEqual(result, expected, value)
    }
  }
}
