import JWT
import XCTest

/// JWK rules for EC and OKP keys, and which algorithms each key type verifies.
final class JWKKeyTypeTests: XCTestCase {
  // RFC 7515 §A.3 (P-256) and RFC 8037 §A.2 (Ed25519) public keys.
  let x256 = "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU"
  let y256 = "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"
  let xEd = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"

  /// The P-384 key of algs.json.
  var p384: (x: String, y: String) {
    let document = try! JSONParser.parse(Fixtures.algs.jwks)
    guard case .array(let keys)? = document["keys"] else { fatalError("algs.json has no keys") }
    let key = keys.first { $0["kid"] == .string("es384") }!
    return (key["x"]!.stringValue!, key["y"]!.stringValue!)
  }

  func testKeyRulesTable() {
    let (x384, y384) = p384
    let document = try! JSONParser.parse(Fixtures.jwksBody)
    guard case .array(let fixtureKeys)? = document["keys"] else { return XCTFail("fixture jwks has no keys") }
    let k1Modulus = fixtureKeys[0]["n"]!.stringValue!
    let offCurveY = "x_FF" + y256.dropFirst(4)
    let ec = { (extra: String) in
      #"{"kty":"EC","crv":"P-256","x":"\#(self.x256)","y":"\#(self.y256)"\#(extra)}"#
    }
    let cases: [(name: String, json: String, usable: Bool)] = [
      ("P-256", ec(""), true),
      (
        "P-256 alg ES256, use sig, key_ops verify", ec(#","alg":"ES256","use":"sig","key_ops":["verify"]"#),
        true
      ),
      ("P-256 with a private d (ignored)", ec(#","d":"jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI""#), true),
      ("P-384", #"{"kty":"EC","crv":"P-384","x":"\#(x384)","y":"\#(y384)"}"#, true),
      ("P-256 alg ES384", ec(#","alg":"ES384""#), false),
      ("P-256 alg RS256", ec(#","alg":"RS256""#), false),
      ("P-256 alg HS256", ec(#","alg":"HS256""#), false),
      ("P-256 use enc", ec(#","use":"enc""#), false),
      ("P-384 coordinates on P-256", #"{"kty":"EC","crv":"P-256","x":"\#(x384)","y":"\#(y384)"}"#, false),
      ("P-256 coordinates on P-384", #"{"kty":"EC","crv":"P-384","x":"\#(x256)","y":"\#(y256)"}"#, false),
      ("P-521", #"{"kty":"EC","crv":"P-521","x":"\#(x256)","y":"\#(y256)"}"#, false),
      ("secp256k1", #"{"kty":"EC","crv":"secp256k1","x":"\#(x256)","y":"\#(y256)"}"#, false),
      ("crv missing", #"{"kty":"EC","x":"\#(x256)","y":"\#(y256)"}"#, false),
      ("y missing", #"{"kty":"EC","crv":"P-256","x":"\#(x256)"}"#, false),
      ("x one byte short", #"{"kty":"EC","crv":"P-256","x":"\#(x256.dropLast(2))","y":"\#(y256)"}"#, false),
      ("x with a leading zero byte", #"{"kty":"EC","crv":"P-256","x":"AA\#(x256)","y":"\#(y256)"}"#, false),
      ("point off the curve", #"{"kty":"EC","crv":"P-256","x":"\#(x256)","y":"\#(offCurveY)"}"#, false),
      ("Ed25519", #"{"kty":"OKP","crv":"Ed25519","x":"\#(xEd)"}"#, true),
      ("Ed25519 alg EdDSA", #"{"kty":"OKP","crv":"Ed25519","x":"\#(xEd)","alg":"EdDSA"}"#, true),
      ("Ed25519 alg ES256", #"{"kty":"OKP","crv":"Ed25519","x":"\#(xEd)","alg":"ES256"}"#, false),
      ("Ed448", #"{"kty":"OKP","crv":"Ed448","x":"\#(xEd)"}"#, false),
      ("X25519 (key agreement)", #"{"kty":"OKP","crv":"X25519","x":"\#(xEd)"}"#, false),
      ("Ed25519 x short", #"{"kty":"OKP","crv":"Ed25519","x":"\#(xEd.dropLast(3))"}"#, false),
      ("OKP crv missing", #"{"kty":"OKP","x":"\#(xEd)"}"#, false),
      ("RSA", #"{"kty":"RSA","n":"\#(k1Modulus)","e":"AQAB"}"#, true),
      ("RSA alg PS256", #"{"kty":"RSA","alg":"PS256","n":"\#(k1Modulus)","e":"AQAB"}"#, true),
      ("RSA alg ES256", #"{"kty":"RSA","alg":"ES256","n":"\#(k1Modulus)","e":"AQAB"}"#, false),
      ("RSA alg EdDSA", #"{"kty":"RSA","alg":"EdDSA","n":"\#(k1Modulus)","e":"AQAB"}"#, false),
      ("oct (HMAC)", #"{"kty":"oct","k":"\#(xEd)","alg":"HS256"}"#, false),
    ]
    for c in cases {
      let json = try! JSONParser.parse(c.json)
      do {
        _ = try JWK(json: json)
        XCTAssertTrue(c.usable, "\(c.name): accepted")
      } catch {
        XCTAssertFalse(c.usable, "\(c.name): refused: \(error)")
      }
    }
  }

  /// Every key of the combined fixture set against every algorithm: exactly its own.
  func testWhichAlgorithmsEachKeyVerifies() {
    let expected: [String: Set<JWSAlgorithm>] = [
      "k1": [.rs256],  // alg RS256
      "k2": [.rs256, .ps256],  // RSA without alg
      "ps": [.rs256, .ps256],
      "ec1": [.es256],  // P-256 without alg
      "es256": [.es256],
      "es384": [.es384],
      "ed": [.edDSA],
    ]
    for key in Fixtures.allAlgorithmsKeySet.keys {
      let kid = key.kid!
      let verifies = Set(JWSAlgorithm.allCases.filter { key.verifies($0) })
      XCTAssertEqual(verifies, expected[kid], kid)
    }
    XCTAssertEqual(Fixtures.allAlgorithmsKeySet.count, expected.count)
  }

  /// A refresh with the same EC/OKP keys keeps the set (same public members); a changed key does not.
  func testSameKeyComparesPublicMembers() throws {
    let a = try JWKSet.parse(Fixtures.algs.jwks).keys
    let b = try JWKSet.parse(Fixtures.algs.jwks).keys
    XCTAssertTrue(KeySet(keys: a).sameKeys(as: b))
    let other = try JWK(
      json: JSONParser.parse(#"{"kty":"OKP","kid":"ed","alg":"EdDSA","crv":"Ed25519","x":"\#(xEd)"}"#))
    XCTAssertFalse(KeySet(keys: a).sameKeys(as: b.map { $0.kid == "ed" ? other : $0 }))
  }
}
