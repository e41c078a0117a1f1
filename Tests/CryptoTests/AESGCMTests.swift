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

  /// Records under one key back to back through one workspace (which then sets only the nonce,
  /// keeping the key schedule): each opens under its own nonce, a failure in between (tampered
  /// tag, wrong nonce, wrong aad) leaves the next one opening, and a key that differs in its last
  /// byte only is told apart.
  func testOneWorkspaceSameKeyManyNonces() throws {
    let workspace = AESGCMWorkspace()
    let nonces = (0..<4).map { i in [UInt8](repeating: UInt8(i), count: 12) }
    let sealed = try nonces.enumerated().map { i, nonce in
      try AESGCM.seal(key: key, nonce: nonce, plaintext: Array("record \(i)".utf8), aad: [UInt8(i)])
    }
    var lastByteKey = key
    lastByteKey[31] ^= 1
    var tampered = sealed[1]
    tampered.tag[0] ^= 1
    let steps:
      [(name: String, key: [UInt8], nonce: Int, sealed: AESGCM.Sealed, aad: UInt8, expected: String?)] = [
        ("0", key, 0, sealed[0], 0, "record 0"),
        ("1", key, 1, sealed[1], 1, "record 1"),
        ("1 tampered", key, 1, tampered, 1, nil),
        ("2 after a failure", key, 2, sealed[2], 2, "record 2"),
        ("3 under the nonce of 2", key, 2, sealed[3], 3, nil),
        ("3", key, 3, sealed[3], 3, "record 3"),
        ("3 with the aad of 2", key, 3, sealed[3], 2, nil),
        ("0 again", key, 0, sealed[0], 0, "record 0"),
        ("0 under a key one bit off", lastByteKey, 0, sealed[0], 0, nil),
        ("1 after the other key", key, 1, sealed[1], 1, "record 1"),
      ]
    for step in steps {
      let opened = try AESGCM.open(
        key: step.key, nonce: nonces[step.nonce], sealed: step.sealed, aad: [step.aad], workspace: workspace)
      XCTAssertEqual(opened.map { String(decoding: $0, as: UTF8.self) }, step.expected, step.name)
    }
  }

  func testWrongSizesThrow() {
    XCTAssertThrowsError(try AESGCM.seal(key: [1, 2], nonce: nonce, plaintext: []), "short key")
    XCTAssertThrowsError(try AESGCM.seal(key: key, nonce: [1], plaintext: []), "short nonce")
    XCTAssertThrowsError(
      try AESGCM.open(key: key, nonce: nonce, sealed: AESGCM.Sealed(ciphertext: [], tag: [1])), "short tag")
  }
}
