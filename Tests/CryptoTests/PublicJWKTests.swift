import Crypto
import XCTest

final class PublicJWKTests: XCTestCase {
  /// RFC 7638 §3.1: the example RSA key and its thumbprint.
  func testRFC7638Thumbprint() {
    let n = Base64URL.decode(
      "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"
    )!
    let jwk = PublicJWK.rsa(modulus: n, exponent: [1, 0, 1])
    XCTAssertTrue(jwk.canonicalJSON.hasPrefix("{\"e\":\"AQAB\",\"kty\":\"RSA\",\"n\":\"0vx7"))
    XCTAssertEqual(jwk.thumbprint, "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs")
  }

  /// RFC 8037 §A.3: the Ed25519 example key's thumbprint.
  func testRFC8037Thumbprint() {
    let jwk = PublicJWK.ed25519(x: Base64URL.decode("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo")!)
    XCTAssertEqual(
      jwk.canonicalJSON,
      "{\"crv\":\"Ed25519\",\"kty\":\"OKP\",\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"}")
    XCTAssertEqual(jwk.thumbprint, "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k")
  }

  func testECMembersAreSorted() {
    let jwk = PublicJWK.ec(curve: .p256, x: [1, 2], y: [3, 4])
    XCTAssertEqual(jwk.members.map(\.name), ["crv", "kty", "x", "y"])
    XCTAssertEqual(jwk["crv"], "P-256")
    XCTAssertNil(jwk["n"])
  }
}
