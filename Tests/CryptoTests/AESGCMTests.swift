import Crypto
import XCTest

final class AESGCMTests: XCTestCase {
  let key = [UInt8](repeating: 0x42, count: 32)
  let nonce = [UInt8](repeating: 0x07, count: 12)

  /// NIST GCM test vector (gcmEncryptExtIV256, Count 0 with 128-bit plaintext): key and IV zero.
  func testKnownAnswer() throws {
    let sealed = try AESGCM.seal(
      key: [UInt8](repeating: 0, count: 32), nonce: [UInt8](repeating: 0, count: 12),
      plaintext: [UInt8](repeating: 0, count: 16))
    XCTAssertEqual(hexString(sealed.ciphertext), "cea7403d4d606b6e074ec5d3baf39d18", "ciphertext")
    XCTAssertEqual(hexString(sealed.tag), "d0d1c8a799996bf0265b98b5d48ab919", "tag")
  }

  func testRoundTrip() throws {
    let cases: [(name: String, plaintext: [UInt8], aad: [UInt8])] = [
      ("empty plaintext, no aad", [], []),
      ("empty plaintext with aad", [], Array("header".utf8)),
      ("short", Array("hello".utf8), []),
      ("block and a half with aad", [UInt8](repeating: 9, count: 24), [1, 2, 3]),
      ("large", (0..<5000).map { UInt8($0 & 0xFF) }, Array("v1".utf8)),
    ]
    for c in cases {
      let sealed = try AESGCM.seal(key: key, nonce: nonce, plaintext: c.plaintext, aad: c.aad)
      XCTAssertEqual(sealed.ciphertext.count, c.plaintext.count, c.name)
      XCTAssertEqual(sealed.tag.count, 16, c.name)
      XCTAssertEqual(try AESGCM.open(key: key, nonce: nonce, sealed: sealed, aad: c.aad), c.plaintext, c.name)
    }
  }

  func testTamperIsDetected() throws {
    let plaintext = Array("session record".utf8)
    let aad = Array("sid".utf8)
    let sealed = try AESGCM.seal(key: key, nonce: nonce, plaintext: plaintext, aad: aad)
    var flippedCiphertext = sealed
    flippedCiphertext.ciphertext[3] ^= 1
    var flippedTag = sealed
    flippedTag.tag[15] ^= 0x80
    var otherKey = key
    otherKey[0] ^= 1
    var otherNonce = nonce
    otherNonce[11] ^= 1
    let cases: [(name: String, key: [UInt8], nonce: [UInt8], sealed: AESGCM.Sealed, aad: [UInt8])] = [
      ("ciphertext bit flipped", key, nonce, flippedCiphertext, aad),
      ("tag bit flipped", key, nonce, flippedTag, aad),
      ("other key", otherKey, nonce, sealed, aad),
      ("other nonce", key, otherNonce, sealed, aad),
      ("other aad", key, nonce, sealed, Array("sie".utf8)),
      ("aad dropped", key, nonce, sealed, []),
    ]
    for c in cases {
      XCTAssertNil(try AESGCM.open(key: c.key, nonce: c.nonce, sealed: c.sealed, aad: c.aad), c.name)
    }
  }

  /// One workspace opens records under different keys one after another, and a failed open
  /// (wrong key, tampered tag) leaves it usable: each call is keyed afresh.
  func testOneWorkspaceAcrossKeysAndFailures() throws {
    let workspace = AESGCMWorkspace()
    var otherKey = key
    otherKey[5] ^= 0x10
    let first = try AESGCM.seal(key: key, nonce: nonce, plaintext: Array("first".utf8), aad: [1])
    let second = try AESGCM.seal(key: otherKey, nonce: nonce, plaintext: Array("second".utf8), aad: [2])
    var tampered = first
    tampered.tag[0] ^= 1
    let steps: [(name: String, key: [UInt8], sealed: AESGCM.Sealed, aad: [UInt8], expected: [UInt8]?)] = [
      ("first", key, first, [1], Array("first".utf8)),
      ("second under its key", otherKey, second, [2], Array("second".utf8)),
      ("first under the second's key", otherKey, first, [1], nil),
      ("first again", key, first, [1], Array("first".utf8)),
      ("tampered tag", key, tampered, [1], nil),
      ("second after a failure", otherKey, second, [2], Array("second".utf8)),
      ("wrong aad", key, first, [2], nil),
      ("first after a wrong aad", key, first, [1], Array("first".utf8)),
    ]
    for step in steps {
      XCTAssertEqual(
        try AESGCM.open(
          key: step.key, nonce: nonce, sealed: step.sealed, aad: step.aad, workspace: workspace),
        step.expected, step.name)
    }
    // NIST GCM test vector (as `testKnownAnswer`), decrypted through the same workspace.
    let zero = [UInt8](repeating: 0, count: 32)
    let known = AESGCM.Sealed(
      ciphertext: hex("cea7403d4d606b6e074ec5d3baf39d18"), tag: hex("d0d1c8a799996bf0265b98b5d48ab919"))
    XCTAssertEqual(
      try AESGCM.open(
        key: zero, nonce: [UInt8](repeating: 0, count: 12), sealed: known, workspace: workspace),
      [UInt8](repeating: 0, count: 16), "known answer")
  }

  func testWrongSizesThrow() {
    XCTAssertThrowsError(try AESGCM.seal(key: [1, 2], nonce: nonce, plaintext: []), "short key")
    XCTAssertThrowsError(try AESGCM.seal(key: key, nonce: [1], plaintext: []), "short nonce")
    XCTAssertThrowsError(
      try AESGCM.open(key: key, nonce: nonce, sealed: AESGCM.Sealed(ciphertext: [], tag: [1])), "short tag")
  }
}
