import Crypto
import Foundation
import XCTest

/// RFC 7515 §A.3 (ES256) and RFC 8037 §A.4 (Ed25519) at the Crypto level: key construction
/// rules, strict signature lengths, and concurrent use of one shared key.
final class ECAndEd25519PublicKeyTests: XCTestCase {
  let x = Base64URL.decode("f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU")!
  let y = Base64URL.decode("x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0")!
  let esInput = Array(
    "eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
      .utf8)
  let esSignature = Base64URL.decode(
    "DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q")!
  let edX = Base64URL.decode("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo")!
  let edInput = Array("eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc".utf8)
  let edSignature = Base64URL.decode(
    "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg")!

  func testECKeyConstruction() {
    XCTAssertNoThrow(try ECPublicKey(curve: .p256, x: x, y: y))
    var offCurve = y
    offCurve[31] ^= 1
    let cases: [(name: String, curve: ECCurve, x: [UInt8], y: [UInt8])] = [
      ("point off the curve", .p256, x, offCurve),
      ("x short", .p256, Array(x.dropFirst()), y),
      ("x with a leading zero", .p256, [0] + x, y),
      ("P-256 point on P-384", .p384, x, y),
      ("all zero (not a point)", .p256, [UInt8](repeating: 0, count: 32), [UInt8](repeating: 0, count: 32)),
    ]
    for c in cases {
      XCTAssertThrowsError(try ECPublicKey(curve: c.curve, x: c.x, y: c.y), c.name)
    }
    XCTAssertThrowsError(try Ed25519PublicKey(x: Array(edX.dropLast())), "Ed25519 key short")
  }

  func testSignatureLengthsAreStrict() throws {
    let es = try ECPublicKey(curve: .p256, x: x, y: y)
    let ed = try Ed25519PublicKey(x: edX)
    XCTAssertTrue(es.verify(message: esInput, signature: esSignature))
    XCTAssertTrue(ed.verify(message: edInput, signature: edSignature))
    let der = ECDSASignatureEncoding.der(fromJOSE: esSignature)
    let cases: [(name: String, signature: [UInt8])] = [
      ("DER form of the same signature", der),
      ("one byte short", Array(esSignature.dropLast())),
      ("one byte long", esSignature + [0]),
      ("empty", []),
    ]
    for c in cases {
      XCTAssertFalse(es.verify(message: esInput, signature: c.signature), "ES256 \(c.name)")
      XCTAssertFalse(ed.verify(message: edInput, signature: Array(c.signature.prefix(70))), "EdDSA \(c.name)")
    }
  }

  func testConcurrentVerifyOnSharedKeys() throws {
    let es = try ECPublicKey(curve: .p256, x: x, y: y)
    let ed = try Ed25519PublicKey(x: edX)
    let (esInput, esSignature, edInput, edSignature) = (
      self.esInput, self.esSignature, self.edInput, self.edSignature
    )
    DispatchQueue.concurrentPerform(iterations: 64) { index in
      let good = index % 2 == 0
      var es2 = esSignature
      var ed2 = edSignature
      if !good {
        es2[index % 64] ^= 1
        ed2[index % 64] ^= 1
      }
      XCTAssertEqual(es.verify(message: esInput, signature: es2), good, "ES256 iteration \(index)")
      XCTAssertEqual(ed.verify(message: edInput, signature: ed2), good, "EdDSA iteration \(index)")
    }
  }
}
