import FuzzSeedSupport
import JWT
import XCTest

/// Every named fixture token against the fixture key set (k1, k2) and the issuer
/// "https://login.example.com/" with audience "api.example.com", leeway 30 s, clock 1800000000.
final class JWTValidatorTests: XCTestCase {
  // Fixture tokens (Fixtures/tokens.json), decoded. Signed by the kid's key unless noted:
  // wrong_key is signed by k2, unknown_kid by k1, hs256_public_key is HMAC-SHA256 keyed with
  // k1.pub.pem, alg_rs512 is a real RS512 signature by k1; tampered_payload carries good's
  // signature; bad_base64url_padding is good with "=" after the header; bad_base64url_plus is
  // good with the signature's first character replaced by '+'; four_parts is good plus
  // "." and its signature again.
  // good: 599 bytes, 3 parts, signature 342 chars
  //   header  {"alg":"RS256","typ":"JWT","kid":"k1"}
  //   payload {"iss":"https://login.example.com/","sub":"user-123","aud":"api.example.com","iat":1700000000,"exp":4102444800,"email":"alice@example.com","tenant":"t…(9000 x)"}
  // good_k2: 599 bytes, 3 parts, signature 342 chars
  //   header  {"alg":"RS256","typ":"JWT","kid":"k2"}
  //   payload {"iss":"https://login.example.com/","sub":"user-123","aud":"api.example.com","iat":1700000000,"exp":4102444800,"email":"alice@example.com","tenant":"t…(9000 x)"}
  // no_kid: 584 bytes, 3 parts, signature 342 chars
  //   header  {"alg":"RS256","typ":"JWT"}
  //   payload {"iss":"https://login.example.com/","sub":"user-123","aud":"api.example.com","iat":1700000000,"exp":4102444800,"email":"alice@example.com","tenant":"t…(9000 x)"}
  // expired: 599 bytes, 3 parts, signature 342 chars
  //   header  {"alg":"RS256","typ":"JWT","kid":"k1"}
  //   payload {"iss":"https://login.example.com/","sub":"user-123","aud":"api.example.com","iat":1700000000,"exp":1799996400,"email":"alice@example.com","tenant":"t…(9000 x)"}
  // expired_within_leeway: 599 bytes, 3 parts, signature 342 chars
  //   header  {"alg":"RS256","typ":"JWT","kid":"k1"}
  //   payload {"iss":"https://login.example.com/","sub":"user-123","aud":"api.example.com","iat":1700000000,"exp":1799999980,"email":"alice@example.com","tenant":"t…(9000 x)"}
  // not_yet_valid: 622 bytes, 3 parts, signature 342 chars
  //   header  {"alg":"RS256","typ":"JWT","kid":"k1"}
  //   payload {"iss":"https://login.example.com/","sub":"user-123","aud":"api.example.com","iat":1700000000,"exp":4102444800,"email":"alice@example.com","tenant":"t…(9000 x)"}
  // nbf_within_leeway: 622 bytes, 3 parts, signature 342 chars
  //   header  {"alg":"RS256","typ":"JWT","kid":"k1"}
  //   payload {"iss":"https://login.example.com/","sub":"user-123","aud":"api.example.com","iat":1700000000,"exp":4102444800,"email":"alice@example.com","tenant":"t…(9000 x)"}
  // issued_in_future: 599 bytes, 3 parts, signature 342 chars
  //   header  {"alg":"RS256","typ":"JWT","kid":"k1"}
  //   payload {"iss":"https://login.example.com/","sub":"user-123","aud":"api.example.com","iat":1800003600,"exp":4102444800,"email":"alice@example.com","tenant":"t…(9000 x)"}
  // wrong_audience: 602 bytes, 3 parts, signature 342 chars
  //   header  {"alg":"RS256","typ":"JWT","kid":"k1"}
  //   payload {"iss":"https://login.example.com/","sub":"user-123","aud":"other.example.com","iat":1700000000,"exp":4102444800,"email":"alice@example.com","tenant":…(9000 x)"}
  // wrong_issuer: 598 bytes, 3 parts, signature 342 chars
  //   header  {"alg":"RS256","typ":"JWT","kid":"k1"}
  //   payload {"iss":"https://evil.example.com/","sub":"user-123","aud":"api.example.com","iat":1700000000,"exp":4102444800,"email":"alice@example.com","tenant":"t1…(9000 x)"}
  // missing_issuer: 553 bytes, 3 parts, signature 342 chars
  //   header  {"alg":"RS256","typ":"JWT","kid":"k1"}
  //   payload {"sub":"user-123","aud":"api.example.com","iat":1700000000,"exp":4102444800,"email":"alice@example.com","tenant":"t1"}
  // unknown_kid: 599 bytes, 3 parts, signature 342 chars
  //   header  {"alg":"RS256","typ":"JWT","kid":"k3"}
  //   payload {"iss":"https://login.example.com/","sub":"user-123","aud":"api.example.com","iat":1700000000,"exp":4102444800,"email":"alice@example.com","tenant":"t…(9000 x)"}
  // small_key: 432 bytes, 3 parts, signature 171 chars
  //   header  {"alg":"RS256","typ":"JWT","kid":"small"}
  //   payload {"iss":"https://login.example.com/","sub":"user-123","aud":"api.example.com","iat":1700000000,"exp":4102444800,"email":"alice@example.com","tenant":"t…(9000 x)"}
  // wrong_key: 599 bytes, 3 parts, signature 342 chars
  //   header  {"alg":"RS256","typ":"JWT","kid":"k1"}
  //   payload {"iss":"https://login.example.com/","sub":"user-123","aud":"api.example.com","iat":1700000000,"exp":4102444800,"email":"alice@example.com","tenant":"t…(9000 x)"}
  // alg_none: 241 bytes, 3 parts, signature 0 chars
  //   header  {"alg":"none","typ":"JWT"}
  //   payload {"iss":"https://login.example.com/","sub":"user-123","aud":"api.example.com","iat":1700000000,"exp":4102444800,"email":"alice@example.com","tenant":"t…(9000 x)"}
  // alg_none_with_signature: 583 bytes, 3 parts, signature 342 chars
  //   header  {"alg":"none","typ":"JWT"}
  //   payload {"iss":"https://login.example.com/","sub":"user-123","aud":"api.example.com","iat":1700000000,"exp":4102444800,"email":"alice@example.com","tenant":"t…(9000 x)"}
  // hs256_public_key: 300 bytes, 3 parts, signature 43 chars
  //   header  {"alg":"HS256","typ":"JWT","kid":"k1"}
  //   payload {"iss":"https://login.example.com/","sub":"user-123","aud":"api.example.com","iat":1700000000,"exp":4102444800,"email":"alice@example.com","tenant":"t…(9000 x)"}
  // alg_rs512: 599 bytes, 3 parts, signature 342 chars
  //   header  {"alg":"RS512","typ":"JWT","kid":"k1"}
  //   payload {"iss":"https://login.example.com/","sub":"user-123","aud":"api.example.com","iat":1700000000,"exp":4102444800,"email":"alice@example.com","tenant":"t…(9000 x)"}
  // crit_header: 619 bytes, 3 parts, signature 342 chars
  //   header  {"alg":"RS256","typ":"JWT","kid":"k1","crit":["exp"]}
  //   payload {"iss":"https://login.example.com/","sub":"user-123","aud":"api.example.com","iat":1700000000,"exp":4102444800,"email":"alice@example.com","tenant":"t…(9000 x)"}
  // jku_header: 656 bytes, 3 parts, signature 342 chars
  //   header  {"alg":"RS256","typ":"JWT","kid":"k1","jku":"https://evil.example.com/jwks.json"}
  //   payload {"iss":"https://login.example.com/","sub":"user-123","aud":"api.example.com","iat":1700000000,"exp":4102444800,"email":"alice@example.com","tenant":"t…(9000 x)"}
  // empty_aud_array: 579 bytes, 3 parts, signature 342 chars
  //   header  {"alg":"RS256","typ":"JWT","kid":"k1"}
  //   payload {"iss":"https://login.example.com/","sub":"user-123","aud":[],"iat":1700000000,"exp":4102444800,"email":"alice@example.com","tenant":"t1"}
  // aud_array_match: 629 bytes, 3 parts, signature 342 chars
  //   header  {"alg":"RS256","typ":"JWT","kid":"k1"}
  //   payload {"iss":"https://login.example.com/","sub":"user-123","aud":["other.example.com","api.example.com"],"iat":1700000000,"exp":4102444800,"email":"alice@ex…(9000 x)"}
  // missing_exp: 577 bytes, 3 parts, signature 342 chars
  //   header  {"alg":"RS256","typ":"JWT","kid":"k1"}
  //   payload {"iss":"https://login.example.com/","sub":"user-123","aud":"api.example.com","iat":1700000000,"email":"alice@example.com","tenant":"t1"}
  // exp_string: 602 bytes, 3 parts, signature 342 chars
  //   header  {"alg":"RS256","typ":"JWT","kid":"k1"}
  //   payload {"iss":"https://login.example.com/","sub":"user-123","aud":"api.example.com","iat":1700000000,"exp":"4102444800","email":"alice@example.com","tenant":…(9000 x)"}
  // tampered_payload: 595 bytes, 3 parts, signature 342 chars
  //   header  {"alg":"RS256","typ":"JWT","kid":"k1"}
  //   payload {"iss":"https://login.example.com/","sub":"admin","aud":"api.example.com","iat":1700000000,"exp":4102444800,"email":"alice@example.com","tenant":"t1"}
  // truncated_signature: 597 bytes, 3 parts, signature 340 chars
  //   header  {"alg":"RS256","typ":"JWT","kid":"k1"}
  //   payload {"iss":"https://login.example.com/","sub":"user-123","aud":"api.example.com","iat":1700000000,"exp":4102444800,"email":"alice@example.com","tenant":"t…(9000 x)"}
  // signature_extra_byte: 600 bytes, 3 parts, signature 343 chars
  //   header  {"alg":"RS256","typ":"JWT","kid":"k1"}
  //   payload {"iss":"https://login.example.com/","sub":"user-123","aud":"api.example.com","iat":1700000000,"exp":4102444800,"email":"alice@example.com","tenant":"t…(9000 x)"}
  // bad_base64url_padding: 600 bytes, 3 parts, signature 342 chars
  //   header  {"alg":"RS256","typ":"JWT","kid":"k1"}
  //   payload {"iss":"https://login.example.com/","sub":"user-123","aud":"api.example.com","iat":1700000000,"exp":4102444800,"email":"alice@example.com","tenant":"t…(9000 x)"}
  // bad_base64url_plus: 599 bytes, 3 parts, signature 342 chars
  //   header  {"alg":"RS256","typ":"JWT","kid":"k1"}
  //   payload {"iss":"https://login.example.com/","sub":"user-123","aud":"api.example.com","iat":1700000000,"exp":4102444800,"email":"alice@example.com","tenant":"t…(9000 x)"}
  // duplicate_member: 562 bytes, 3 parts, signature 342 chars
  //   header  {"alg":"RS256","typ":"JWT","kid":"k1"}
  //   payload {"iss":"https://login.example.com/","sub":"user-123","sub":"admin","aud":"api.example.com","iat":1700000000,"exp":4102444800}
  // four_parts: 942 bytes, 4 parts, signature 342 chars
  //   header  {"alg":"RS256","typ":"JWT","kid":"k1"}
  //   payload {"iss":"https://login.example.com/","sub":"user-123","aud":"api.example.com","iat":1700000000,"exp":4102444800,"email":"alice@example.com","tenant":"t…(9000 x)"}
  // oversized: 12611 bytes, 3 parts, signature 342 chars
  //   header  {"alg":"RS256","typ":"JWT","kid":"k1"}
  //   payload {"iss":"https://login.example.com/","sub":"user-123","aud":"api.example.com","iat":1700000000,"exp":4102444800,"email":"alice@example.com","tenant":"t…(9000 x)"}
  func testFixtureTable() {
    let cases: [(name: String, keys: KeySet, expected: AuthError.Kind?)] = [
      ("good", Fixtures.keySet, nil),
      ("good_k2", Fixtures.keySet, nil),
      ("no_kid", Fixtures.singleKeySet, nil),
      ("no_kid", Fixtures.keySet, .malformed),
      ("expired", Fixtures.keySet, .expired),
      ("expired_within_leeway", Fixtures.keySet, nil),
      ("not_yet_valid", Fixtures.keySet, .notYetValid),
      ("nbf_within_leeway", Fixtures.keySet, nil),
      ("issued_in_future", Fixtures.keySet, .notYetValid),
      ("wrong_audience", Fixtures.keySet, .audienceMismatch),
      ("wrong_issuer", Fixtures.keySet, .issuerMismatch),
      ("missing_issuer", Fixtures.keySet, .missingClaim),
      ("unknown_kid", Fixtures.keySet, .unknownKid),
      ("small_key", Fixtures.keySet, .unknownKid),
      ("wrong_key", Fixtures.keySet, .badSignature),
      ("alg_none", Fixtures.keySet, .malformed),
      ("alg_none_with_signature", Fixtures.keySet, .unsupportedAlgorithm),
      ("hs256_public_key", Fixtures.keySet, .unsupportedAlgorithm),
      ("alg_rs512", Fixtures.keySet, .unsupportedAlgorithm),
      ("crit_header", Fixtures.keySet, .unsupportedCritical),
      ("jku_header", Fixtures.keySet, nil),
      ("empty_aud_array", Fixtures.keySet, .audienceMismatch),
      ("aud_array_match", Fixtures.keySet, nil),
      ("missing_exp", Fixtures.keySet, .missingClaim),
      ("exp_string", Fixtures.keySet, .malformed),
      ("tampered_payload", Fixtures.keySet, .badSignature),
      ("truncated_signature", Fixtures.keySet, .badSignature),
      ("signature_extra_byte", Fixtures.keySet, .badSignature),
      ("bad_base64url_padding", Fixtures.keySet, .malformed),
      ("bad_base64url_plus", Fixtures.keySet, .malformed),
      ("duplicate_member", Fixtures.keySet, .malformed),
      ("four_parts", Fixtures.keySet, .malformed),
      ("oversized", Fixtures.keySet, .tokenTooLarge),
      ("good", KeySet(keys: []), .noKeys),
    ]
    let settings = Fixtures.settings()
    FuzzSeeds.record("jws", cases.map { Fixtures.token($0.name) })
    for c in cases {
      let token = Fixtures.token(c.name)
      let result = JWTValidator.validate(
        token: Substring(token), keys: c.keys, settings: settings, now: Fixtures.now)
      switch (result, c.expected) {
      case (.success, nil): break
      case (.failure(let error), let expected?):
        XCTAssertEqual(error.kind, expected, "\(c.name): \(error)")
        XCTAssertFalse(error.detail.contains(token), "\(c.name): detail leaks the token")
        XCTAssertFalse(
          error.detail.contains(token.split(separator: ".").last ?? ""), "\(c.name): detail leaks")
      case (.success, let expected?): XCTFail("\(c.name): accepted, expected \(expected)")
      case (.failure(let error), nil): XCTFail("\(c.name): refused with \(error)")
      }
    }
  }

  func testVerifiedTokenAccessors() throws {
    let verified = try JWTValidator.validate(
      token: Array(Fixtures.token("good").utf8), keys: Fixtures.keySet, settings: Fixtures.settings(),
      now: Fixtures.now
    ).get()
    XCTAssertEqual(verified.issuer, Fixtures.issuer)
    XCTAssertEqual(verified.subject, "user-123")
    XCTAssertEqual(verified.expiresAt, 4_102_444_800)
    XCTAssertEqual(verified.kid, "k1")
    XCTAssertEqual(verified.string("email"), "alice@example.com")
    XCTAssertEqual(verified.int("iat"), 1_700_000_000)
    XCTAssertNil(verified.string("iat"), "iat is not a string")
    XCTAssertNil(verified.claim("missing"))
  }

  func testRequiredClaimsTable() {
    let cases: [(name: String, required: [String: JSONValue?], expected: AuthError.Kind?)] = [
      ("present, any value", ["tenant": nil], nil),
      ("present, equal value", ["tenant": .string("t1")], nil),
      ("several, all match", ["tenant": .string("t1"), "email": nil], nil),
      ("absent", ["role": nil], .missingClaim),
      ("absent with value", ["role": .string("admin")], .missingClaim),
      ("different value", ["tenant": .string("t2")], .claimMismatch),
      ("different type", ["iat": .string("1700000000")], .claimMismatch),
    ]
    for c in cases {
      let result = JWTValidator.validate(
        token: Substring(Fixtures.token("good")), keys: Fixtures.keySet,
        settings: Fixtures.settings(requiredClaims: c.required), now: Fixtures.now)
      switch (result, c.expected) {
      case (.success, nil): break
      case (.failure(let error), let expected?): XCTAssertEqual(error.kind, expected, c.name)
      default: XCTFail("\(c.name): got \(result)")
      }
    }
  }

  func testClockBoundaries() {
    // expired_within_leeway has exp = now - 20; not_yet_valid has nbf = now + 3600.
    let cases: [(name: String, token: String, now: Int64, expected: AuthError.Kind?)] = [
      ("exp + leeway exactly", "expired_within_leeway", 1_799_999_980 + 30, nil),
      ("one second past exp + leeway", "expired_within_leeway", 1_799_999_980 + 31, .expired),
      ("nbf - leeway exactly", "not_yet_valid", 1_800_003_600 - 30, nil),
      ("one second before nbf - leeway", "not_yet_valid", 1_800_003_600 - 31, .notYetValid),
      ("iat - leeway exactly", "issued_in_future", 1_800_003_600 - 30, nil),
      ("one second before iat - leeway", "issued_in_future", 1_800_003_600 - 31, .notYetValid),
    ]
    for c in cases {
      let result = JWTValidator.validate(
        token: Substring(Fixtures.token(c.token)), keys: Fixtures.keySet, settings: Fixtures.settings(),
        now: c.now)
      switch (result, c.expected) {
      case (.success, nil): break
      case (.failure(let error), let expected?): XCTAssertEqual(error.kind, expected, c.name)
      default: XCTFail("\(c.name): got \(result)")
      }
    }
  }

  func testAudienceConfigListsSeveral() throws {
    let settings = try IssuerSettings(issuer: Fixtures.issuer, audiences: ["x", "other.example.com"])
    let result = JWTValidator.validate(
      token: Substring(Fixtures.token("wrong_audience")), keys: Fixtures.keySet, settings: settings,
      now: Fixtures.now)
    XCTAssertNoThrow(try result.get(), "second configured audience matches")
  }

  func testSmallerTokenLimit() throws {
    let settings = try IssuerSettings(
      issuer: Fixtures.issuer, audiences: [Fixtures.audience], maxTokenBytes: 500)
    let result = JWTValidator.validate(
      token: Substring(Fixtures.token("good")), keys: Fixtures.keySet, settings: settings, now: Fixtures.now)
    guard case .failure(let error) = result else {
      return XCTFail("accepted a 599-byte token with a 500 limit")
    }
    XCTAssertEqual(error.kind, .tokenTooLarge)
  }

  func testKindStatusMapping() {
    for kind in AuthError.Kind.allCases {
      XCTAssertEqual(kind.isForbidden, kind == .audienceMismatch || kind == .claimMismatch, kind.rawValue)
    }
  }

  func testCachedValidation() {
    let cache = VerifiedTokenCache(capacity: 4)
    let settings = Fixtures.settings()
    let good = Array(Fixtures.token("good").utf8)
    let bad = Array(Fixtures.token("tampered_payload").utf8)
    for round in 0..<2 {
      let first = good.withUnsafeBufferPointer {
        JWTValidator.validate(
          token: $0, keys: Fixtures.keySet, settings: settings, now: Fixtures.now, cache: cache)
      }
      XCTAssertNoThrow(try first.get(), "good, round \(round)")
      let second = bad.withUnsafeBufferPointer {
        JWTValidator.validate(
          token: $0, keys: Fixtures.keySet, settings: settings, now: Fixtures.now, cache: cache)
      }
      XCTAssertThrowsError(try second.get(), "tampered, round \(round)")
    }
    XCTAssertEqual(cache.count, 1, "only the good token is cached")
    // Keyed by the signing input's digest, with the signature compared in full.
    good.withUnsafeBufferPointer { token in
      let digests = TokenDigests(token: token)
      XCTAssertNotNil(
        cache.lookup(
          tokenHash: digests.tokenHash, signature: digests.unhashed(token), now: Fixtures.now,
          generation: Fixtures.keySet.generation))
      XCTAssertNil(
        cache.lookup(
          tokenHash: digests.tokenHash, signature: UnsafeBufferPointer(rebasing: token[token.count...]),
          now: Fixtures.now, generation: Fixtures.keySet.generation), "signing input alone")
    }
  }
}
