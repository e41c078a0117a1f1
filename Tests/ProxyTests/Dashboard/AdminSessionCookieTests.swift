import Crypto
import XCTest

@testable import Proxy

final class AdminSessionCookieTests: XCTestCase {
  private let token = AdminTokenID(token: Array("operator-token".utf8))
  private let now: Int64 = 1_700_000_000

  func testIssuedCookieVerifiesUntilItExpires() throws {
    let cookies = AdminSessionCookie(key: Array(repeating: 7, count: 32))
    let (value, claims) = cookies.issue(tokenID: token, nowSeconds: now)
    XCTAssertEqual(value.utf8.count, 87)
    XCTAssertEqual(claims.expiresAt, now + AdminSessionCookie.lifetimeSeconds)
    XCTAssertEqual(cookies.verify(Array(value.utf8), tokenID: token, nowSeconds: now), claims)
    XCTAssertEqual(
      cookies.verify(Array(value.utf8), tokenID: token, nowSeconds: claims.expiresAt - 1), claims,
      "last second")
    XCTAssertNil(cookies.verify(Array(value.utf8), tokenID: token, nowSeconds: claims.expiresAt), "expired")
  }

  func testRefusedCookies() throws {
    let cookies = AdminSessionCookie(key: Array(repeating: 7, count: 32))
    let (value, _) = cookies.issue(tokenID: token, nowSeconds: now)
    var flipped = Array(value.utf8)
    flipped[40] = flipped[40] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
    let otherToken = AdminTokenID(token: Array("rotated-token".utf8))
    let otherKey = AdminSessionCookie(key: Array(repeating: 8, count: 32))
    let cases: [(name: String, value: [UInt8], cookies: AdminSessionCookie, token: AdminTokenID)] = [
      ("one character changed", flipped, cookies, token),
      ("issued for another token (rotated by SIGHUP)", Array(value.utf8), cookies, otherToken),
      ("another process's key (restart)", Array(value.utf8), otherKey, token),
      ("truncated", Array(value.utf8.dropLast()), cookies, token),
      ("longer", Array(value.utf8) + [UInt8(ascii: "A")], cookies, token),
      ("empty", [], cookies, token),
      ("not base64url", Array(String(repeating: "*", count: 87).utf8), cookies, token),
    ]
    for c in cases {
      XCTAssertNil(c.cookies.verify(c.value, tokenID: c.token, nowSeconds: now), c.name)
    }
  }

  func testCSRFTokenIsBoundToTheSignIn() {
    let cookies = AdminSessionCookie(key: Array(repeating: 7, count: 32))
    let (_, first) = cookies.issue(tokenID: token, nowSeconds: now)
    let (_, second) = cookies.issue(tokenID: token, nowSeconds: now)
    XCTAssertNotEqual(first.nonce, second.nonce, "every sign-in draws a fresh nonce")
    let csrf = cookies.csrfToken(for: first)
    XCTAssertEqual(csrf.utf8.count, 32)
    XCTAssertTrue(cookies.csrfMatches(Array(csrf.utf8), claims: first))
    XCTAssertFalse(cookies.csrfMatches(Array(csrf.utf8), claims: second), "another sign-in's token")
    XCTAssertFalse(cookies.csrfMatches(nil, claims: first))
    XCTAssertFalse(cookies.csrfMatches(Array(csrf.utf8.dropLast()), claims: first))
  }

  func testSetCookieAttributesAndTokenID() {
    let (name, value) = AdminSessionCookie.setCookie("v")
    XCTAssertEqual(name, "Set-Cookie")
    XCTAssertEqual(value, "__Host-gatehouse-admin=v; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=3600")
    XCTAssertTrue(AdminSessionCookie.deletion.1.hasSuffix("Max-Age=0"))
    // SHA-256("operator-token") starts with these six bytes.
    XCTAssertEqual(token.description, Hex12.of("operator-token"))
    XCTAssertEqual(token.description.count, 12)
  }
}

/// The first 12 hex digits of SHA-256 of a string, computed independently of `AdminTokenID`.
private enum Hex12 {
  static func of(_ text: String) -> String {
    SHA256.hash(Array(text.utf8)).prefix(6).map { byte in
      let digits = Array("0123456789abcdef")
      return String([digits[Int(byte >> 4)], digits[Int(byte & 15)]])
    }.joined()
  }
}
