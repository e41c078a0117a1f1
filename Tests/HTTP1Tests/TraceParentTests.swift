import HTTP1
import XCTest

final class TraceParentTests: XCTestCase {
  static let valid = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"

  func parse(_ s: String) -> TraceParent? { Array(s.utf8).withUnsafeBytes { TraceParent.parse($0) } }

  func testParseTable() {
    let expected = TraceParent(
      traceID: (0x4bf9_2f35_77b3_4da6, 0xa3ce_929d_0e0e_4736), parentID: 0x00f0_67aa_0ba9_02b7, flags: 1)
    let cases: [(name: String, value: String, want: TraceParent?)] = [
      ("version 00", Self.valid, expected),
      ("unsampled", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00",
       TraceParent(traceID: expected.traceID, parentID: expected.parentID, flags: 0)),
      ("uppercase hex", "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01", nil),
      ("zero trace id", "00-00000000000000000000000000000000-00f067aa0ba902b7-01", nil),
      ("zero parent id", "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", nil),
      ("version ff", "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", nil),
      ("version 00 with more", Self.valid + "-x", nil),
      ("too short", String(Self.valid.dropLast()), nil),
      ("wrong separator", "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", nil),
      ("non-hex flags", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0g", nil),
      ("future version with more", "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-03-what", expected),
      ("future version exact length", "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", expected),
      ("future version, no dash after flags", "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x", nil),
      ("empty", "", nil),
    ]
    for c in cases { XCTAssertEqual(parse(c.value), c.want, c.name) }
  }

  func testFormatRoundTrip() throws {
    let parsed = try XCTUnwrap(parse(Self.valid))
    let out = parsed.formatted(spanID: 0x0102_0304_0506_0708)
    XCTAssertEqual(out.count, 55)
    XCTAssertEqual(String(decoding: out, as: UTF8.self), "00-4bf92f3577b34da6a3ce929d0e0e4736-0102030405060708-01")
  }

  func testRandomIdsAreNonZeroAndDeterministicWithSeed() {
    var a = SeededGenerator(seed: 42)
    var b = SeededGenerator(seed: 42)
    for _ in 0..<100 {
      let t = TraceParent.random(sampled: true, using: &a)
      XCTAssertEqual(t, TraceParent.random(sampled: true, using: &b))
      XCTAssertNotEqual(t.parentID, 0)
      XCTAssertNotEqual(t.traceID.0, 0)
      XCTAssertTrue(t.isSampled)
      let text = t.formatted(spanID: TraceParent.randomSpanID(using: &a))
      _ = TraceParent.randomSpanID(using: &b)
      XCTAssertEqual(text.withUnsafeBytes { TraceParent.parse($0) }?.traceID.1, t.traceID.1)
    }
  }
}
