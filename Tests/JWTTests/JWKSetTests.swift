import JWT
import XCTest

final class JWKSetTests: XCTestCase {
  /// k1's `n` from the fixture set.
  var k1Modulus: String {
    let document = try! JSONParser.parse(Fixtures.jwksBody)
    guard case .array(let keys)? = document["keys"] else { fatalError("fixture jwks has no keys") }
    return keys[0]["n"]!.stringValue!
  }

  func testFixtureSetSkipsSmallKeys() throws {
    let set = try JWKSet.parse(Fixtures.jwksBody)
    XCTAssertEqual(set.keys.map(\.kid), ["k1", "k2", "ec1"])
    XCTAssertEqual(set.keys.map(\.alg), [.rs256, nil, nil])
    XCTAssertEqual(set.keys.map { $0.publicJWK["kty"] }, ["RSA", "RSA", "EC"])
    for key in set.keys.prefix(2) {
      guard case .rsa(let rsa) = key.material else { return XCTFail("\(key.kid!) is not RSA") }
      XCTAssertEqual(rsa.bits, 2048)
    }
    XCTAssertEqual(set.skipped.count, 1, "\(set.skipped)")
    XCTAssertTrue(set.skipped[0].contains("small") && set.skipped[0].contains("1024"), set.skipped[0])
  }

  func testKeyRulesTable() {
    let n = k1Modulus
    let cases: [(name: String, json: String, usable: Bool)] = [
      ("minimal RSA", #"{"kty":"RSA","n":"\#(n)","e":"AQAB"}"#, true),
      (
        "use sig, alg RS256, key_ops verify",
        #"{"kty":"RSA","use":"sig","alg":"RS256","key_ops":["verify"],"n":"\#(n)","e":"AQAB"}"#, true
      ),
      ("use enc", #"{"kty":"RSA","use":"enc","n":"\#(n)","e":"AQAB"}"#, false),
      ("alg RS512", #"{"kty":"RSA","alg":"RS512","n":"\#(n)","e":"AQAB"}"#, false),
      ("alg not a string", #"{"kty":"RSA","alg":1,"n":"\#(n)","e":"AQAB"}"#, false),
      ("key_ops without verify", #"{"kty":"RSA","key_ops":["sign"],"n":"\#(n)","e":"AQAB"}"#, false),
      ("key_ops not an array", #"{"kty":"RSA","key_ops":"verify","n":"\#(n)","e":"AQAB"}"#, false),
      ("kty oct", #"{"kty":"oct","k":"AQAB"}"#, false),
      ("kty missing", #"{"n":"\#(n)","e":"AQAB"}"#, false),
      ("even exponent", #"{"kty":"RSA","n":"\#(n)","e":"AQAA"}"#, false),
      ("exponent 1", #"{"kty":"RSA","n":"\#(n)","e":"AQ"}"#, false),
      ("exponent 3", #"{"kty":"RSA","n":"\#(n)","e":"Aw"}"#, true),
      ("n missing", #"{"kty":"RSA","e":"AQAB"}"#, false),
      ("n padded base64", #"{"kty":"RSA","n":"\#(n)==","e":"AQAB"}"#, false),
      ("n of 1024 bits", #"{"kty":"RSA","n":"\#(n.prefix(171))","e":"AQAB"}"#, false),
      ("kid not a string", #"{"kty":"RSA","kid":7,"n":"\#(n)","e":"AQAB"}"#, false),
      ("not an object", #"["RSA"]"#, false),
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

  func testDocumentTable() {
    let n = k1Modulus
    let key = #"{"kty":"RSA","kid":"a","n":"\#(n)","e":"AQAB"}"#
    let cases: [(name: String, body: String, limits: JWKSet.Limits, keys: Int?)] = [
      ("one key", #"{"keys":[\#(key)]}"#, .init(), 1),
      ("empty keys", #"{"keys":[]}"#, .init(), 0),
      ("duplicate kid skipped", #"{"keys":[\#(key),\#(key)]}"#, .init(), 1),
      ("at the key limit", #"{"keys":[\#(key),{"kty":"EC"}]}"#, .init(maxKeys: 2), 1),
      ("over the key limit", #"{"keys":[\#(key),{"kty":"EC"},{"kty":"EC"}]}"#, .init(maxKeys: 2), nil),
      ("over the body limit", #"{"keys":[\#(key)]}"#, .init(maxBodyBytes: 100), nil),
      ("no keys member", #"{"key":[]}"#, .init(), nil),
      ("keys not an array", #"{"keys":{}}"#, .init(), nil),
      ("not JSON", "<html>", .init(), nil),
      ("array document", "[]", .init(), nil),
      ("duplicate keys member", #"{"keys":[],"keys":[]}"#, .init(), nil),
    ]
    for c in cases {
      do {
        let set = try JWKSet.parse(Array(c.body.utf8), limits: c.limits)
        XCTAssertEqual(set.keys.count, c.keys, c.name)
      } catch {
        XCTAssertNil(c.keys, "\(c.name): \(error)")
      }
    }
  }

  func testKeySetLookupAndGenerations() throws {
    let set = try JWKSet.parse(Fixtures.jwksBody)
    let a = KeySet(set)
    let b = KeySet(set)
    XCTAssertNotNil(a.key(kid: "k2"))
    XCTAssertNotNil(a.key(kid: "ec1"))
    XCTAssertNil(a.key(kid: "small"))
    XCTAssertNotEqual(a.generation, b.generation, "every set gets its own generation")
    XCTAssertTrue(a.sameKeys(as: b.keys))
    XCTAssertFalse(a.sameKeys(as: Array(b.keys.dropLast())))
  }
}
