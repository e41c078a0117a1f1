import JWT
import XCTest

/// `ClaimSelection` changes what `VerifiedToken.claims` keeps, never the outcome.
final class ClaimSelectionTests: XCTestCase {
  func testSelectionTable() {
    let cases: [(name: String, selection: ClaimSelection, expected: [String: JSONValue])] = [
      (
        "all", .all,
        [
          "iss": .string(Fixtures.issuer), "sub": .string("user-123"), "aud": .string(Fixtures.audience),
          "iat": .int(1_700_000_000), "exp": .int(4_102_444_800), "email": .string("alice@example.com"),
          "tenant": .string("t1"),
        ]
      ),
      ("only email", .only(["email"]), ["email": .string("alice@example.com")]),
      ("absent claim", .only(["role", "sub"]), ["sub": .string("user-123")]),
      ("none", .only([]), [:]),
    ]
    for c in cases {
      let result = JWTValidator.validate(
        token: Array(Fixtures.token("good").utf8), keys: Fixtures.keySet, settings: Fixtures.settings(),
        now: Fixtures.now, claims: c.selection)
      guard case .success(let verified) = result else { return XCTFail("\(c.name): \(result)") }
      XCTAssertEqual(verified.claims, c.expected, c.name)
      XCTAssertEqual(verified.subject, "user-123", c.name)
      XCTAssertEqual(verified.issuer, Fixtures.issuer, c.name)
    }
    // A failing token fails the same way whatever is kept.
    for selection in [ClaimSelection.all, .only([])] {
      let result = JWTValidator.validate(
        token: Array(Fixtures.token("wrong_audience").utf8), keys: Fixtures.keySet,
        settings: Fixtures.settings(), now: Fixtures.now, claims: selection)
      guard case .failure(let error) = result else { return XCTFail("wrong_audience \(selection): accepted") }
      XCTAssertEqual(error.kind, .audienceMismatch, "wrong_audience \(selection)")
    }
  }
}
