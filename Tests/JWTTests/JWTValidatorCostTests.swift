import Foundation
import JWT
import XCTest

/// A repeatable workload for measuring the cost of validating a token that is not cached (the
/// `jwt-new` benchmark path): each good fixture token is validated `rounds` times without the
/// verified-token cache, keeping only `sub` as the proxy does with its default `user_claim`,
/// and every validation must succeed with the expected claims.
///
/// Profile it in release mode (valgrind 3.19 cannot read Swift 6's DWARF 5, so strip a copy):
///
///     swift build -c release --build-tests -Xswiftc -enable-testing
///     objcopy --strip-debug .build/release/gatehousePackageTests.xctest /tmp/cost.xctest
///     JWT_COST_ROUNDS=200 valgrind --tool=callgrind /tmp/cost.xctest JWTTests.JWTValidatorCostTests
///
/// and subtract a run with `JWT_COST_ROUNDS=0` (start-up and fixture loading) to get the
/// instructions of `rounds × 3` validations. Measured on this branch: 395,000 instructions per
/// validation before (~339,000 of them OpenSSL, ~270,000 the RSA modular exponentiation itself),
/// 325,000 after (~300,000 OpenSSL; the Swift side ~15,000, was ~53,000).
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
