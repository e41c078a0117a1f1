import Crypto
import XCTest

/// `SHA256Digest`: the inline digest agrees with `SHA256.hash` and compares by value.
final class SHA256DigestTests: XCTestCase {
  func testKnownAnswer() {
    let digest = Array("abc".utf8).withUnsafeBytes { SHA256Digest(of: $0) }
    XCTAssertEqual(
      hexString(digest.bytes), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    let empty = [UInt8]().withUnsafeBytes { SHA256Digest(of: $0) }
    XCTAssertEqual(hexString(empty.bytes), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
  }

  func testEquality() {
    let a = Array("a".utf8).withUnsafeBytes { SHA256Digest(of: $0) }
    let a2 = Array("a".utf8).withUnsafeBytes { SHA256Digest(of: $0) }
    let b = Array("b".utf8).withUnsafeBytes { SHA256Digest(of: $0) }
    XCTAssertEqual(a, a2)
    XCTAssertNotEqual(a, b)
  }
}
