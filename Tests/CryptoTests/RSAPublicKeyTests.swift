import Crypto
import XCTest

/// The vector is k1 from Tests/JWTTests/Fixtures (rsa_vector.txt, written by make_fixtures.py):
/// an RSA-2048 key and an RS256 signature over "gatehouse rs256 vector".
final class RSAPublicKeyTests: XCTestCase {
  let modulus = hex("ce1637618e2a11b5d6385c2bb9db75cedf8848e54175f568d766cd3344ab264214ed5bd176f7a110a3a9c0e7f18872dfa97da0709fb94bc595689ecaf77c6a440889e8fb6ad9b9047591b7e297d009cd60d90f9b20eed7c77dc2bbb6a092c67e1ffa1f18ab5d357c07ad6bd37e705c36314baf26cf5e542f064b4d504f48e6907f1fb87ed30dbfecd53ccf503540877c9b4850c27b1fbf117349ececfbaddfc543bed1f6123dbd4fce9f8a775a3006c948ac8c500ff39f452a888bf93cad2ced403e733a4bb841420d8e965b0121c028d3c209e052400256487772c3f03aa9c4a0e0add296644bec3fae3e9e99376be06e0b9e5f96618345acd232af2047ba67")
  let exponent = hex("010001")
  let message = Array("gatehouse rs256 vector".utf8)
  let signature = hex("0a52b9f8f0f45b8cb947866a24632e86e60b2a01ce55b4bff25fb87d2ca20f9bee0db4d20da8f412958b40da5f4db3aa311591156af8c87b298fab18ec84cade16aba7fb3ac39ca8189f15576f066e4940624be0527a4d34b9091aba39b0b24e8abe0863ffd859276169aca8ff613c26a35455dd154732c240444bea0acb14be3453f67251a27d3d96c748349c27e897b9ad798c1c0af69cdb4940f2f6fbec2fdac1670194a9f4da73ac45004955a123a1c92d715e91062e46dcb2a787349c9031f7543260520676eee922ccebd0d6dd5c348c4e88fda6663d51cc30899af293be0e86dd738504a94b9ec763208885ac9a6a4d6e2decb4e6cf5b68118b10a4b4")

  func testKeyProperties() throws {
    let key = try RSAPublicKey(modulus: modulus, exponent: exponent)
    XCTAssertEqual(key.bits, 2048)
    XCTAssertEqual(key.modulusBytes, 256)
  }

  func testVerify() throws {
    let key = try RSAPublicKey(modulus: modulus, exponent: exponent)
    var flippedSignature = signature
    flippedSignature[100] ^= 1
    var flippedMessage = message
    flippedMessage[0] ^= 0x20
    let cases: [(name: String, message: [UInt8], signature: [UInt8], valid: Bool)] = [
      ("good", message, signature, true),
      ("signature bit flipped", message, flippedSignature, false),
      ("message changed", flippedMessage, signature, false),
      ("empty message", [], signature, false),
      ("signature truncated", message, Array(signature.dropLast()), false),
      ("signature with extra byte", message, signature + [0], false),
      ("empty signature", message, [], false),
      ("all-zero signature", message, [UInt8](repeating: 0, count: 256), false),
    ]
    for c in cases {
      XCTAssertEqual(key.verifyRS256(message: c.message, signature: c.signature), c.valid, c.name)
    }
  }

  func testOtherExponentDoesNotVerify() throws {
    let key = try RSAPublicKey(modulus: modulus, exponent: [3])
    XCTAssertFalse(key.verifyRS256(message: message, signature: signature))
  }

  func testInvalidKeyMaterialThrows() {
    XCTAssertThrowsError(try RSAPublicKey(modulus: [0, 0], exponent: exponent), "zero modulus")
    XCTAssertThrowsError(try RSAPublicKey(modulus: modulus, exponent: []), "empty exponent")
  }

  func testConcurrentVerifyOnSharedKey() throws {
    let key = try RSAPublicKey(modulus: modulus, exponent: exponent)
    let message = self.message
    let signature = self.signature
    var bad = signature
    bad[0] ^= 1
    let badSignature = bad
    DispatchQueue.concurrentPerform(iterations: 64) { index in
      let good = index % 2 == 0
      XCTAssertEqual(
        key.verifyRS256(message: message, signature: good ? signature : badSignature), good, "iteration \(index)")
    }
  }
}
