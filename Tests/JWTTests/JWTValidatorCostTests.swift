import Foundation
import JWT
import XCTest

/// A repeatable workload for measuring the cost of validating a token that is not cached (the
/// `jwt-new` benchmark path): each good fixture token is validated `rounds` times without the
/// verified-token cache, keeping only `sub` as the proxy does with its default `user_claim`,
/// and every validation must succeed with the expected claims.
///
/// Profile it in release mode, e.g.
///
///     swift build -c release --build-tests
///     JWT_COST_ROUNDS=1000 valgrind --tool=callgrind \
///       .build/release/gatehousePackageTests.xctest JWTTests.JWTValidatorCostTests
///
/// and subtract a run with `JWT_COST_ROUNDS=0` (start-up and fixture loading) to get the
/// instructions of `rounds × 3` validations.
final class JWTValidatorCostTests: XCTestCase {
  func testRepeatedUncachedValidation() {
    let rounds = ProcessInfo.processInfo.environment["JWT_COST_ROUNDS"].flatMap { Int($0) } ?? 20
    let cases: [(name: String, keys: KeySet)] = [
      ("good", Fixtures.keySet), ("good_k2", Fixtures.keySet), ("no_kid", Fixtures.singleKeySet),
    ]
    let settings = Fixtures.settings()
    let tokens = cases.map { Array(Fixtures.token($0.name).utf8) }
    var failures = 0
    for _ in 0..<rounds {
      for (index, testCase) in cases.enumerated() {
        let result = tokens[index].withUnsafeBufferPointer {
          JWTValidator.validate(
            token: $0, keys: testCase.keys, settings: settings, now: Fixtures.now, claims: .only(["sub"]))
        }
        guard case .success(let verified) = result, verified.subject == "user-123",
          verified.claims == ["sub": .string("user-123")],
          verified.expiresAt == 4_102_444_800
        else {
          failures += 1
          XCTFail("\(testCase.name): \(result)")
          continue
        }
      }
    }
    XCTAssertEqual(failures, 0)
  }
}

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
