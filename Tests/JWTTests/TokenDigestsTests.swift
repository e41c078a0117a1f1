import Crypto
import JWT
import XCTest

/// `TokenDigests`: one pass gives the SHA-256 of the bytes before the second dot — the signing
/// input's digest and the cache's `TokenHash` — and names the bytes after it (the signature,
/// which the cache compares in full); and the validator refuses a token whose RS256
/// signature does not match, whatever digests it is handed.
final class TokenDigestsTests: XCTestCase {
  func testTable() {
    let cases: [(name: String, token: String, signingInput: String?)] = [
      ("compact JWS", "aGVhZGVy.cGF5bG9hZA.c2ln", "aGVhZGVy.cGF5bG9hZA"),
      ("no dot", "abcdef", nil),
      ("one dot", "abc.def", nil),
      ("trailing dot", "abc.def.", "abc.def"),
      ("four parts", "a.b.c.d", "a.b"),
      ("leading dots", "..abc", "."),
      ("empty", "", nil),
      (
        "fixture token", Fixtures.token("good"),
        String(Fixtures.token("good").split(separator: ".")[0...1].joined(separator: "."))
      ),
    ]
    for c in cases {
      let bytes = Array(c.token.utf8)
      let digests = bytes.withUnsafeBytes { TokenDigests(token: $0) }
      // The cache key covers the signing input (the whole token without one); the rest is
      // left to the cache's full comparison.
      let keyed = c.signingInput.map { Array($0.utf8) } ?? bytes
      XCTAssertEqual(digests.tokenHash, TokenHash(token: keyed), c.name)
      let unhashed = bytes.withUnsafeBufferPointer { Array(digests.unhashed($0)) }
      XCTAssertEqual(keyed + unhashed, bytes, c.name)
      XCTAssertEqual(unhashed.first, c.signingInput == nil ? nil : UInt8(ascii: "."), c.name)
      XCTAssertEqual(digests.signingInput?.bytes, c.signingInput.map { SHA256.hash(Array($0.utf8)) }, c.name)
      XCTAssertEqual(digests.signingInputEnd, c.signingInput?.utf8.count ?? 0, c.name)
    }
  }

  /// The validator uses the digests only for the token they were made from: digests of another
  /// token (same signing-input length) never make a bad signature verify, and the right ones
  /// give the same verdicts as none.
  func testValidatorWithDigests() {
    let settings = Fixtures.settings()
    let workspace = RSAVerifyWorkspace()
    let good = Array(Fixtures.token("good").utf8)
    var tampered = good
    tampered[tampered.count - 5] =
      tampered[tampered.count - 5] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
    for (name, token, valid) in [("good", good, true), ("signature changed", tampered, false)] {
      let digests = token.withUnsafeBytes { TokenDigests(token: $0) }
      let result = token.withUnsafeBufferPointer {
        JWTValidator.validate(
          token: $0, keys: Fixtures.keySet, settings: settings, now: Fixtures.now, digests: digests,
          workspace: workspace)
      }
      let plain = JWTValidator.validate(
        token: token, keys: Fixtures.keySet, settings: settings, now: Fixtures.now)
      if case .success = result { XCTAssertTrue(valid, name) } else { XCTAssertFalse(valid, name) }
      if case .success = plain { XCTAssertTrue(valid, name) } else { XCTAssertFalse(valid, name) }
    }
    // A token whose payload differs from good's in one byte, carrying good's signature, handed
    // good's digests: they are not its own, so it is hashed again and refused.
    var forged = good
    let firstDot = forged.firstIndex(of: UInt8(ascii: "."))!
    forged[firstDot + 3] = forged[firstDot + 3] == UInt8(ascii: "x") ? UInt8(ascii: "y") : UInt8(ascii: "x")
    let goodDigests = good.withUnsafeBytes { TokenDigests(token: $0) }
    let forgedResult = forged.withUnsafeBufferPointer {
      JWTValidator.validate(
        token: $0, keys: Fixtures.keySet, settings: settings, now: Fixtures.now, digests: goodDigests,
        workspace: workspace)
    }
    guard case .failure(let error) = forgedResult else { return XCTFail("forged token accepted") }
    XCTAssertTrue(error.kind == .badSignature || error.kind == .malformed, "\(error)")
  }
}
