import Crypto
import XCTest

final class DigestTests: XCTestCase {
  func testSHA256Vectors() {
    // FIPS 180-4 examples.
    let cases: [(name: String, input: [UInt8], digest: String)] = [
      ("empty", [], "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
      ("abc", Array("abc".utf8), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
      (
        "448 bits", Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8),
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
      ),
    ]
    for c in cases {
      XCTAssertEqual(hexString(SHA256.hash(c.input)), c.digest, c.name)
    }
  }

  func testHMACSHA256RFC4231() {
    let cases: [(name: String, key: [UInt8], data: [UInt8], tag: String)] = [
      (
        "case 1", [UInt8](repeating: 0x0b, count: 20), Array("Hi There".utf8),
        "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
      ),
      (
        "case 2", Array("Jefe".utf8), Array("what do ya want for nothing?".utf8),
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
      ),
      (
        "case 3", [UInt8](repeating: 0xaa, count: 20), [UInt8](repeating: 0xdd, count: 50),
        "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"
      ),
      (
        "case 4", Array(1...25), [UInt8](repeating: 0xcd, count: 50),
        "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"
      ),
      (
        "case 6", [UInt8](repeating: 0xaa, count: 131),
        Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
      ),
      (
        "case 7", [UInt8](repeating: 0xaa, count: 131),
        Array(
          ("This is a test using a larger than block-size key and a larger than block-size data. "
            + "The key needs to be hashed before being used by the HMAC algorithm.").utf8),
        "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"
      ),
    ]
    for c in cases {
      XCTAssertEqual(hexString(HMACSHA256.authenticate(key: c.key, message: c.data)), c.tag, c.name)
      let prepared = HMACSHA256Key(c.key)
      XCTAssertEqual(hexString(prepared.authenticate(c.data)), c.tag, "\(c.name), prepared key")
      XCTAssertEqual(hexString(prepared.authenticate(c.data)), c.tag, "\(c.name), prepared key reused")
    }
  }

  /// The keyed hash reads every byte of every length: sixteen bytes per step, then a word, then
  /// a tail read as the last eight bytes (overlapping). A one-bit change anywhere, at every
  /// length around those steps, gives another hash; the same bytes the same hash.
  func testKeyedByteHashSeesEveryByte() {
    let hasher = KeyedByteHash()
    let base = (0..<70).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
    func hash(_ bytes: [UInt8]) -> UInt64 { bytes.withUnsafeBytes { hasher.hash($0) } }
    var seen: Set<UInt64> = []
    for length in 0...base.count {
      let a = Array(base[0..<length])
      XCTAssertEqual(hash(a), hash(Array(base[0..<length])), "length \(length): same bytes")
      XCTAssertTrue(seen.insert(hash(a)).inserted, "length \(length): a prefix hashes apart")
      for position in 0..<length {
        for flip: UInt8 in [0x01, 0x80] {
          var b = a
          b[position] ^= flip
          XCTAssertNotEqual(hash(a), hash(b), "length \(length), byte \(position), bit \(flip)")
        }
      }
    }
  }

  func testConstantTimeEquals() {
    let cases: [(name: String, a: [UInt8], b: [UInt8], equal: Bool)] = [
      ("both empty", [], [], true),
      ("same", [1, 2, 3], [1, 2, 3], true),
      ("last byte differs", [1, 2, 3], [1, 2, 4], false),
      ("first byte differs", [0, 2, 3], [1, 2, 3], false),
      ("length differs", [1, 2], [1, 2, 3], false),
      ("one empty", [], [0], false),
      ("equal token", Array("token-123".utf8), Array("token-123".utf8), true),
      ("token prefix", Array("token-12".utf8), Array("token-123".utf8), false),
      ("token longer", Array("token-1234".utf8), Array("token-123".utf8), false),
      ("length differs by 256", [UInt8](repeating: 97, count: 256), [], false),
      ("length differs by 256, same start", [UInt8](repeating: 97, count: 257), [97], false),
    ]
    for c in cases {
      XCTAssertEqual(ConstantTime.equals(c.a, c.b), c.equal, c.name)
      let borrowed = c.a.withUnsafeBufferPointer { a in
        c.b.withUnsafeBufferPointer { ConstantTime.equals(a, $0) }
      }
      XCTAssertEqual(borrowed, c.equal, "\(c.name), borrowed")
    }
  }

  /// The borrowed form compares eight bytes per step: a difference at every position of every
  /// length around the word size, from unaligned starts, must be found.
  func testConstantTimeEqualsFindsEveryDifferenceAcrossWords() {
    let base = (0..<40).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
    func equal(_ a: [UInt8], _ b: [UInt8], _ range: Range<Int>) -> Bool {
      a.withUnsafeBufferPointer { x in
        b.withUnsafeBufferPointer {
          ConstantTime.equals(
            UnsafeBufferPointer(rebasing: x[range]), UnsafeBufferPointer(rebasing: $0[range]))
        }
      }
    }
    for offset in 0..<3 {
      for length in 0...(base.count - offset) {
        let range = offset..<(offset + length)
        XCTAssertTrue(equal(base, base, range), "length \(length), offset \(offset)")
        for position in range {
          for flip: UInt8 in [0x01, 0x80] {
            var other = base
            other[position] ^= flip
            XCTAssertFalse(
              equal(base, other, range), "length \(length), offset \(offset), byte \(position) ^ \(flip)")
          }
        }
      }
    }
  }

  /// Compared eight bytes at a time with a byte tail: a difference in any position of any
  /// length (word, tail, unaligned start) is seen, through both entry points.
  func testConstantTimeEqualsSeesEveryPosition() {
    let base = (0..<67).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
    for length in 0...base.count {
      let a = Array(base[0..<length])
      XCTAssertTrue(ConstantTime.equals(a, a), "length \(length): equal")
      for position in 0..<length {
        for flip: UInt8 in [0x01, 0x80] {
          var b = a
          b[position] ^= flip
          XCTAssertFalse(ConstantTime.equals(a, b), "length \(length), byte \(position) differs")
        }
      }
    }
    // Unaligned starts: slices one to seven bytes into a buffer.
    let long = base + base
    for start in 1..<8 {
      let x = Array(long[start..<(start + 40)])
      long.withUnsafeBufferPointer { whole in
        let slice = UnsafeBufferPointer(rebasing: whole[start..<(start + 40)])
        x.withUnsafeBufferPointer { XCTAssertTrue(ConstantTime.equals(slice, $0), "start \(start)") }
        var y = x
        y[39] ^= 0x10
        y.withUnsafeBufferPointer { XCTAssertFalse(ConstantTime.equals(slice, $0), "start \(start), tail") }
      }
    }
  }

  func testSecureRandomLengthsAndVariety() {
    XCTAssertEqual(SecureRandom.bytes(0), [], "zero")
    XCTAssertEqual(SecureRandom.bytes(33).count, 33, "length")
    // Two 32-byte draws colliding has probability 2^-256.
    XCTAssertNotEqual(SecureRandom.bytes(32), SecureRandom.bytes(32), "two draws differ")
  }
}
