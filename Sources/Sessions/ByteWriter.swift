/// Appends big-endian integers and length-prefixed fields for the record format. Value type.
struct ByteWriter {
  var bytes: [UInt8] = []

  mutating func u8(_ v: UInt8) { bytes.append(v) }
  mutating func u16(_ v: UInt16) {
    bytes.append(UInt8(v >> 8))
    bytes.append(UInt8(v & 0xFF))
  }
  mutating func u64(_ v: UInt64) {
    for shift in stride(from: 56, through: 0, by: -8) {
      bytes.append(UInt8(truncatingIfNeeded: v >> UInt64(shift)))
    }
  }
  mutating func i64(_ v: Int64) { u64(UInt64(bitPattern: v)) }
  mutating func raw(_ v: [UInt8]) { bytes.append(contentsOf: v) }

  /// A UTF-8 string with a 16-bit length; callers check the bound first.
  mutating func string(_ s: String) {
    let utf8 = Array(s.utf8)
    precondition(utf8.count <= Int(UInt16.max))
    u16(UInt16(utf8.count))
    raw(utf8)
  }
}

/// Reads what `ByteWriter` wrote; every read fails (nil) instead of trapping on short input.
struct ByteReader {
  let bytes: [UInt8]
  var offset = 0

  init(_ bytes: [UInt8]) { self.bytes = bytes }

  var isAtEnd: Bool { offset == bytes.count }

  mutating func u8() -> UInt8? {
    guard offset < bytes.count else { return nil }
    defer { offset += 1 }
    return bytes[offset]
  }
  mutating func u16() -> UInt16? {
    guard let a = u8(), let b = u8() else { return nil }
    return UInt16(a) << 8 | UInt16(b)
  }
  mutating func u64() -> UInt64? {
    guard bytes.count - offset >= 8 else { return nil }
    var v: UInt64 = 0
    for _ in 0..<8 { v = v << 8 | UInt64(bytes[offset]); offset += 1 }
    return v
  }
  mutating func i64() -> Int64? { u64().map { Int64(bitPattern: $0) } }
  mutating func raw(_ count: Int) -> [UInt8]? {
    guard count >= 0, bytes.count - offset >= count else { return nil }
    defer { offset += count }
    return Array(bytes[offset..<offset + count])
  }
  /// A 16-bit-length UTF-8 string; nil if short or not valid UTF-8.
  mutating func string() -> String? {
    guard let n = u16(), let utf8 = raw(Int(n)) else { return nil }
    return String(validating: utf8, as: UTF8.self)
  }
}

extension ByteReader {
  /// Everything not read yet.
  mutating func rest() -> [UInt8] {
    defer { offset = bytes.count }
    return Array(bytes[offset...])
  }
}
