import Crypto
import XCTest

final class ECDSASignatureEncodingTests: XCTestCase {
  /// JOSE → DER → JOSE is the identity, including halves with leading zeros and high bits.
  func testRoundTrips() {
    let half = { (first: UInt8, fill: UInt8, count: Int) in
      [first] + [UInt8](repeating: fill, count: count - 1)
    }
    let cases: [(name: String, raw: [UInt8], derCount: Int)] = [
      ("P-256 small halves", half(0x01, 0x11, 32) + half(0x02, 0x22, 32), 2 + 34 + 34),
      ("P-256 high bits need a zero byte", half(0x80, 0xFF, 32) + half(0xC0, 0x01, 32), 2 + 35 + 35),
      ("P-256 leading zeros dropped", [0, 0] + half(0x7F, 0x05, 30) + [0] + half(0x90, 0, 31), 2 + 32 + 34),
      ("P-384", half(0x55, 0x66, 48) + half(0xAA, 0x77, 48), 2 + 50 + 51),
      ("zero halves", [UInt8](repeating: 0, count: 64), 2 + 3 + 3),
    ]
    for c in cases {
      let der = ECDSASignatureEncoding.der(fromJOSE: c.raw)
      XCTAssertEqual(der.count, c.derCount, c.name)
      XCTAssertEqual(der.first, 0x30, c.name)
      if c.raw.contains(where: { $0 != 0 }) {
        XCTAssertEqual(
          ECDSASignatureEncoding.jose(fromDER: der, coordinateBytes: c.raw.count / 2), c.raw, c.name)
      }
    }
  }

  /// Malformed or over-long DER never becomes a JOSE signature.
  func testMalformedDERIsRefused() {
    let good: [UInt8] = [0x30, 0x06, 0x02, 0x01, 0x05, 0x02, 0x01, 0x07]
    XCTAssertEqual(ECDSASignatureEncoding.jose(fromDER: good, coordinateBytes: 2), [0, 5, 0, 7])
    let cases: [(name: String, der: [UInt8])] = [
      ("empty", []),
      ("not a sequence", [0x31] + good.dropFirst()),
      ("sequence length too long", [0x30, 0x07] + good.dropFirst(2)),
      ("trailing byte", good + [0]),
      ("one integer", [0x30, 0x03, 0x02, 0x01, 0x05]),
      ("negative r", [0x30, 0x06, 0x02, 0x01, 0x85, 0x02, 0x01, 0x07]),
      ("non-minimal r", [0x30, 0x07, 0x02, 0x02, 0x00, 0x05, 0x02, 0x01, 0x07]),
      ("empty r", [0x30, 0x05, 0x02, 0x00, 0x02, 0x01, 0x07]),
      ("r too large", [0x30, 0x08, 0x02, 0x03, 0x01, 0x02, 0x03, 0x02, 0x01, 0x07]),
      ("long form for a short length", [0x30, 0x81, 0x06] + good.dropFirst(2)),
    ]
    for c in cases {
      XCTAssertNil(ECDSASignatureEncoding.jose(fromDER: c.der, coordinateBytes: 2), c.name)
    }
  }
}
