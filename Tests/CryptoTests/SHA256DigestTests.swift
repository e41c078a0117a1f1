import Crypto
import XCTest

/// `SHA256Digest`: the inline digest agrees with `SHA256.hash`, and `prefixAndWhole` gives, from
/// one pass, the digests of every prefix length and of the whole input.
final class SHA256DigestTests: XCTestCase {
  func testKnownAnswer() {
    let digest = Array("abc".utf8).withUnsafeBytes { SHA256Digest(of: $0) }
    XCTAssertEqual(
      hexString(digest.bytes), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    let empty = [UInt8]().withUnsafeBytes { SHA256Digest(of: $0) }
    XCTAssertEqual(hexString(empty.bytes), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
  }

  func testPrefixAndWholeAtEverySplit() {
    // 200 bytes cross three SHA-256 blocks: splits before, inside and after each block boundary.
    let data = (0..<200).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
    let whole = SHA256.hash(data)
    for split in 0...data.count {
      let (prefix, all) = data.withUnsafeBytes { SHA256Digest.prefixAndWhole($0, prefixCount: split) }
      XCTAssertEqual(prefix.bytes, SHA256.hash(Array(data[..<split])), "prefix of \(split)")
      XCTAssertEqual(all.bytes, whole, "whole, split at \(split)")
    }
  }

  func testEquality() {
    let a = Array("a".utf8).withUnsafeBytes { SHA256Digest(of: $0) }
    let a2 = Array("a".utf8).withUnsafeBytes { SHA256Digest(of: $0) }
    let b = Array("b".utf8).withUnsafeBytes { SHA256Digest(of: $0) }
    XCTAssertEqual(a, a2)
    XCTAssertNotEqual(a, b)
  }
}
