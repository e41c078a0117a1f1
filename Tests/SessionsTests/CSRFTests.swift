import Sessions
import XCTest

final class CSRFTests: XCTestCase {
  let secret = [UInt8](repeating: 0x33, count: 32)

  func testMakeAndVerify() {
    let a = CSRFToken.make(secret: secret, generation: 3)
    let b = CSRFToken.make(secret: secret, generation: 3)
    XCTAssertNotEqual(a, b, "masked per call")
    XCTAssertEqual(a.utf8.count, CSRFToken.encodedLength, "length")
    let fixed = CSRFToken.make(secret: secret, generation: 3, mask: [UInt8](repeating: 0, count: 32))
    XCTAssertEqual(
      fixed, CSRFToken.make(secret: secret, generation: 3, mask: [UInt8](repeating: 0, count: 32)),
      "deterministic with mask"
    )
    var tampered = Array(a.utf8)
    tampered[50] = tampered[50] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
    let cases: [(name: String, token: String, secret: [UInt8], ok: Bool)] = [
      ("fresh token", a, secret, true),
      ("another masking", b, secret, true),
      ("zero mask", fixed, secret, true),
      ("other session's secret", a, [UInt8](repeating: 0x34, count: 32), false),
      ("tampered", String(decoding: tampered, as: UTF8.self), secret, false),
      ("truncated", String(a.dropLast()), secret, false),
      ("empty", "", secret, false),
      ("not base64url", String(repeating: "*", count: CSRFToken.encodedLength), secret, false),
    ]
    for c in cases {
      XCTAssertEqual(CSRFToken.verify(token: c.token, secret: c.secret, generation: 3), c.ok, c.name)
    }
  }

  /// A token verifies for its own generation and the next one (a form rendered just before a
  /// rotation), never after a second rotation, never for an earlier generation.
  func testTokensAreTiedToTheGeneration() {
    let cases: [(name: String, made: UInt64, checked: UInt64, ok: Bool)] = [
      ("same generation", 5, 5, true),
      ("one rotation later", 5, 6, true),
      ("two rotations later", 5, 7, false),
      ("long after", 5, 500, false),
      ("earlier generation", 6, 5, false),
      ("generation zero", 0, 0, true),
      ("generation zero after one rotation", 0, 1, true),
      ("largest generation", UInt64.max, UInt64.max, true),
    ]
    for c in cases {
      let token = CSRFToken.make(secret: secret, generation: c.made)
      XCTAssertEqual(CSRFToken.verify(token: token, secret: secret, generation: c.checked), c.ok, c.name)
    }
    XCTAssertNotEqual(
      CSRFToken.base(secret: secret, generation: 1), CSRFToken.base(secret: secret, generation: 2),
      "each generation has its own base")
  }

  func testCrossSiteCheck() {
    let cases:
      [(
        name: String, site: String?, origin: String?, scheme: String, host: String,
        expected: CSRFPolicy.CrossSite
      )] = [
        ("no headers", nil, nil, "https", "app.example", .allowed),
        ("same-origin fetch", "same-origin", "https://app.example", "https", "app.example", .allowed),
        ("same-site fetch", "same-site", nil, "https", "app.example", .allowed),
        ("user navigation", "none", nil, "https", "app.example", .allowed),
        ("cross-site fetch", "cross-site", nil, "https", "app.example", .crossSiteFetch),
        (
          "cross-site fetch, upper case", "Cross-Site", "https://app.example", "https", "app.example",
          .crossSiteFetch
        ),
        ("foreign origin", nil, "https://evil.example", "https", "app.example", .foreignOrigin),
        ("origin scheme differs", nil, "http://app.example", "https", "app.example", .foreignOrigin),
        ("origin null", nil, "null", "https", "app.example", .foreignOrigin),
        ("origin with other port", nil, "https://app.example:8443", "https", "app.example", .foreignOrigin),
        ("origin default port", nil, "https://app.example:443", "https", "app.example", .allowed),
        ("host default port", nil, "https://app.example", "https", "app.example:443", .allowed),
        ("same explicit port", nil, "http://localhost:8080", "http", "localhost:8080", .allowed),
        ("case-insensitive host", nil, "https://APP.example", "https", "app.EXAMPLE", .allowed),
        ("origin with path", nil, "https://app.example/x", "https", "app.example", .foreignOrigin),
        ("origin suffix trick", nil, "https://app.example.evil", "https", "app.example", .foreignOrigin),
        ("ipv6 literal", nil, "http://[::1]:8080", "http", "[::1]:8080", .allowed),
        ("empty host", nil, "https://", "https", "", .foreignOrigin),
      ]
    for c in cases {
      XCTAssertEqual(
        CSRFPolicy.crossSiteCheck(
          secFetchSite: c.site.map(bytes), origin: c.origin.map(bytes), scheme: c.scheme, host: bytes(c.host)),
        c.expected, c.name)
    }
  }

  func testFormField() {
    let cases: [(name: String, body: String, limit: Int, expected: CSRFPolicy.FormField)] = [
      ("only field", "csrf=abc", 100, .found(bytes("abc"))),
      ("among others", "a=1&csrf=x-y_z&b=2", 100, .found(bytes("x-y_z"))),
      ("first wins", "csrf=one&csrf=two", 100, .found(bytes("one"))),
      ("percent and plus", "csrf=a%2Bb+c%3d", 100, .found(bytes("a+b c="))),
      ("encoded name", "cs%72f=v", 100, .found(bytes("v"))),
      ("empty value", "csrf=&x=1", 100, .found([])),
      ("no equals sign", "csrf&x=1", 100, .found([])),
      ("prefix name is not the name", "csrftoken=1&xcsrf=2", 100, .absent),
      ("absent", "a=1&b=2", 100, .absent),
      ("empty body", "", 100, .absent),
      ("empty pairs", "&&csrf=z&", 100, .found(bytes("z"))),
      ("bad escape in value", "csrf=%zz", 100, .malformed),
      ("truncated escape", "csrf=ab%4", 100, .malformed),
      ("at the limit", "csrf=abc", 8, .found(bytes("abc"))),
      ("over the limit", "csrf=abcd", 8, .tooLarge),
    ]
    for c in cases {
      XCTAssertEqual(
        CSRFPolicy.formField(named: "csrf", in: bytes(c.body), limit: c.limit), c.expected, c.name)
    }
  }
}

extension CSRFTests {
  /// The borrowed-mask maker (stack buffer, pooled random bytes) gives the same token as the
  /// array one, and its tokens verify.
  func testBorrowedMaskMatchesArrayMask() {
    let base = CSRFToken.base(secret: secret, generation: 3)
    for seed: UInt8 in [0, 1, 0x7F, 0xFF] {
      let mask = (0..<32).map { UInt8(truncatingIfNeeded: Int($0) &* 37 &+ Int(seed)) }
      let borrowed = mask.withUnsafeBufferPointer { CSRFToken.make(base: base, mask: $0) }
      XCTAssertEqual(borrowed, CSRFToken.make(base: base, mask: mask), "mask seed \(seed)")
      XCTAssertTrue(
        CSRFToken.verify(token: borrowed, secret: secret, generation: 3), "mask seed \(seed) verifies")
    }
    let pool = RandomPool(batch: 64)
    let tokens = (0..<5).map { _ in pool.withBytes(32) { CSRFToken.make(base: base, mask: $0) } }
    XCTAssertEqual(Set(tokens).count, 5, "a fresh mask per token, across pool refills")
    for token in tokens {
      XCTAssertTrue(CSRFToken.verify(token: token, secret: secret, generation: 3), "pooled mask verifies")
    }
  }

  /// The inline masked token (written as text straight into the upstream head) is the token the
  /// array maker gives for the same mask, and tokens from the pool are fresh and verify.
  func testInlineMaskedTokenMatchesArrayMask() {
    let base = CSRFToken.base(secret: secret, generation: 4)
    for seed: UInt8 in [0, 1, 0x7F, 0xFF] {
      let mask = (0..<32).map { UInt8(truncatingIfNeeded: Int($0) &* 41 &+ Int(seed)) }
      let inline = mask.withUnsafeBufferPointer { MaskedCSRFToken(base: base, mask: $0) }
      XCTAssertEqual(inline.text, CSRFToken.make(base: base, mask: mask), "mask seed \(seed)")
      XCTAssertEqual(inline.text.utf8.count, CSRFToken.encodedLength)
    }
    let pool = RandomPool(batch: 64)
    let tokens = (0..<5).map { _ in pool.maskedToken(base: base).text }
    XCTAssertEqual(Set(tokens).count, 5, "a fresh mask per token, across pool refills")
    for token in tokens {
      XCTAssertTrue(CSRFToken.verify(token: token, secret: secret, generation: 4), "pooled mask verifies")
      XCTAssertFalse(CSRFToken.verify(token: token, secret: secret, generation: 6), "not two generations on")
    }
  }
}
