import Codecs

/// A W3C Trace Context `traceparent` value (https://www.w3.org/TR/trace-context/#traceparent-header).
/// Immutable value.
///
/// `parse` accepts version 00 exactly (55 bytes, lowercase hex, non-zero ids) and, as the spec asks,
/// future versions (not `ff`) by reading their version-00 prefix when it is followed by the end or
/// '-'; for those only the sampled flag is kept.
public struct TraceParent: Sendable, Equatable {
  public var traceID: (UInt64, UInt64)
  public var parentID: UInt64
  public var flags: UInt8

  public init(traceID: (UInt64, UInt64), parentID: UInt64, flags: UInt8) {
    self.traceID = traceID
    self.parentID = parentID
    self.flags = flags
  }

  public static func == (a: TraceParent, b: TraceParent) -> Bool {
    a.traceID.0 == b.traceID.0 && a.traceID.1 == b.traceID.1 && a.parentID == b.parentID && a.flags == b.flags
  }

  public var isSampled: Bool { flags & 1 != 0 }

  public static func parse(_ value: UnsafeRawBufferPointer) -> TraceParent? {
    guard value.count >= 55 else { return nil }
    guard let version = hex(value, 0, 2), value[2] == UInt8(ascii: "-"), version != 0xff else { return nil }
    if version == 0 {
      guard value.count == 55 else { return nil }
    } else if value.count > 55 && value[55] != UInt8(ascii: "-") {
      return nil
    }
    guard let high = hex(value, 3, 16), let low = hex(value, 19, 16), value[35] == UInt8(ascii: "-"),
      let parent = hex(value, 36, 16), value[52] == UInt8(ascii: "-"), let flags = hex(value, 53, 2)
    else { return nil }
    if high == 0 && low == 0 { return nil }
    if parent == 0 { return nil }
    return TraceParent(
      traceID: (high, low), parentID: parent, flags: version == 0 ? UInt8(flags) : UInt8(flags) & 1)
  }

  /// `00-<trace-id>-<spanID>-<flags>`: the value to send upstream with this proxy's span as parent.
  public func formatted(spanID: UInt64) -> [UInt8] {
    var out = [UInt8](repeating: UInt8(ascii: "-"), count: 55)
    out.withUnsafeMutableBufferPointer { p in
      p[0] = UInt8(ascii: "0")
      p[1] = UInt8(ascii: "0")
      Self.writeHex(traceID.0, 16, p, at: 3)
      Self.writeHex(traceID.1, 16, p, at: 19)
      Self.writeHex(spanID, 16, p, at: 36)
      Self.writeHex(UInt64(flags), 2, p, at: 53)
    }
    return out
  }

  /// A new trace with random non-zero ids and the sampled flag set as given.
  public static func random<R: RandomNumberGenerator>(sampled: Bool, using rng: inout R) -> TraceParent {
    TraceParent(
      traceID: (nonZero(&rng), rng.next()), parentID: nonZero(&rng), flags: sampled ? 1 : 0)
  }

  /// A random non-zero span id.
  public static func randomSpanID<R: RandomNumberGenerator>(using rng: inout R) -> UInt64 { nonZero(&rng) }

  static func nonZero<R: RandomNumberGenerator>(_ rng: inout R) -> UInt64 {
    while true {
      let v = rng.next()
      if v != 0 { return v }
    }
  }

  /// Lowercase hex only: the spec forbids uppercase.
  static func hex(_ v: UnsafeRawBufferPointer, _ start: Int, _ count: Int) -> UInt64? {
    var result: UInt64 = 0
    var k = 0
    while k < count {
      let b = v[start &+ k]
      let d: UInt8
      if b &- 0x30 < 10 {
        d = b &- 0x30
      } else if b &- 0x61 < 6 {
        d = b &- 0x57
      } else {
        return nil
      }
      result = result &<< 4 | UInt64(d)
      k &+= 1
    }
    return result
  }

  static func writeHex(_ value: UInt64, _ digits: Int, _ p: UnsafeMutableBufferPointer<UInt8>, at start: Int)
  {
    var v = value
    var k = digits
    while k > 0 {
      k &-= 1
      p[start &+ k] = Hex.digit(UInt8(truncatingIfNeeded: v))
      v >>= 4
    }
  }
}
