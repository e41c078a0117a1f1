import Crypto
import Foundation
import XCTest

/// RS256 verification (`RSAPublicKey.verifyRS256(digest:signature:workspace:)`, the public-key
/// operation and an encode-and-compare of the whole encoded message) against signatures under
/// k1 whose encoded message is right or wrong in one named way — s ≥ n, wrong lengths, leading
/// zeros, another DigestInfo, wrong padding bytes, bytes after the digest — made with k1's
/// private key by make_rs256_encodings.py, and checked there against OpenSSL's verdict.
final class RS256EncodingTests: XCTestCase {
  struct Case: Decodable {
    let name: String
    let message: String
    let signature: String
    let valid: Bool
  }

  static let cases: [Case] = {
    try! JSONDecoder().decode([Case].self, from: Data(Fixtures.data("rs256_encodings.json")))
  }()

  static let key: RSAPublicKey = {
    guard let jwk = Fixtures.keySet.key(kid: "k1"), case .rsa(let key) = jwk.material else {
      fatalError("k1 is not an RSA key in jwks.json")
    }
    return key
  }()

  static func bytes(_ hex: String) -> [UInt8] {
    var out: [UInt8] = []
    var index = hex.startIndex
    while index < hex.endIndex {
      let next = hex.index(index, offsetBy: 2)
      out.append(UInt8(hex[index..<next], radix: 16)!)
      index = next
    }
    return out
  }

  func testTableWithOneWorkspace() {
    XCTAssertGreaterThanOrEqual(Self.cases.count, 25)
    XCTAssertEqual(Self.cases.filter(\.valid).count, 3, "good, good for s + n, good with a leading zero")
    // One workspace across all cases, as a worker uses it: a refused signature leaves nothing
    // behind that changes the next verdict.
    let workspace = RSAVerifyWorkspace()
    for round in 0..<2 {
      for c in Self.cases {
        let message = Self.bytes(c.message)
        let signature = Self.bytes(c.signature)
        let digest = message.withUnsafeBytes { SHA256Digest(of: $0) }
        let verdict = digest.withUnsafeBytes { d in
          signature.withUnsafeBytes { Self.key.verifyRS256(digest: d, signature: $0, workspace: workspace) }
        }
        XCTAssertEqual(verdict, c.valid, "\(c.name) (round \(round))")
        XCTAssertEqual(
          Self.key.verifyRS256(message: message, signature: signature), c.valid, "\(c.name), message form")
      }
    }
  }

  func testDigestMustBe32Bytes() {
    let good = Self.cases[0]
    XCTAssertEqual(good.name, "good")
    let message = Self.bytes(good.message)
    let signature = Self.bytes(good.signature)
    let digest = message.withUnsafeBytes { SHA256Digest(of: $0) }.bytes
    let workspace = RSAVerifyWorkspace()
    for (name, candidate, valid) in [
      ("32 bytes", digest, true), ("31 bytes", Array(digest.dropLast()), false),
      ("33 bytes", digest + [0], false), ("empty", [], false),
    ] {
      let verdict = candidate.withUnsafeBytes { d in
        signature.withUnsafeBytes { Self.key.verifyRS256(digest: d, signature: $0, workspace: workspace) }
      }
      XCTAssertEqual(verdict, valid, name)
    }
  }

  func testEncodingPrefixShape() {
    let prefix = RSAPublicKey.rs256EncodingPrefix(modulusBytes: 256)
    XCTAssertEqual(prefix.count, 256 - 32)
    XCTAssertEqual(Array(prefix.prefix(2)), [0x00, 0x01])
    XCTAssertTrue(prefix[2..<(256 - 32 - 20)].allSatisfy { $0 == 0xFF })
    XCTAssertEqual(prefix[256 - 32 - 20], 0x00)
    XCTAssertTrue(RSAPublicKey.rs256EncodingPrefix(modulusBytes: 61).isEmpty, "under 8 padding bytes")
    XCTAssertEqual(RSAPublicKey.rs256EncodingPrefix(modulusBytes: 62).count, 30)
  }
}
