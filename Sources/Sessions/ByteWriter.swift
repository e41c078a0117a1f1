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

  /// An unsigned LEB128 integer (7 bits a byte, low first): 1 byte below 128.
  mutating func varint(_ v: UInt64) {
    var v = v
    while v >= 0x80 {
      bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
      v >>= 7
    }
    bytes.append(UInt8(v))
  }

  /// A UTF-8 string with a varint length (the in-memory formats; no bound).
  mutating func varintString(_ s: String) {
    varint(UInt64(s.utf8.count))
    bytes.append(contentsOf: s.utf8)
  }
}

/// Reads what `ByteWriter` wrote, from bytes its caller keeps alive for the reader's life (a
/// `[UInt8]`'s `withUnsafeBytes`, or a `ByteArena` block); every read fails (nil) instead of
/// trapping on short input.
struct ByteReader {
  let bytes: UnsafeRawBufferPointer
  var offset = 0

  init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

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
    defer { offset += 8 }
    return UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
  }
  mutating func i64() -> Int64? { u64().map { Int64(bitPattern: $0) } }
  mutating func raw(_ count: Int) -> [UInt8]? {
    guard count >= 0, bytes.count - offset >= count else { return nil }
    defer { offset += count }
    // A rebased buffer's copy is one `memcpy`; the slice's walks an iterator.
    return Array(UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + count]))
  }
  /// A 16-bit-length UTF-8 string; nil if short or not valid UTF-8.
  mutating func string() -> String? {
    guard let n = u16() else { return nil }
    return utf8(Int(n))
  }

  /// An unsigned LEB128 integer of at most 64 bits.
  mutating func varint() -> UInt64? {
    var v: UInt64 = 0
    var shift: UInt64 = 0
    while shift < 64, let b = u8() {
      v |= UInt64(b & 0x7F) << shift
      if b & 0x80 == 0 { return v }
      shift += 7
    }
    return nil
  }

  /// A varint-length UTF-8 string; nil if short or not valid UTF-8.
  mutating func varintString() -> String? {
    guard let n = varint(), n <= UInt64(bytes.count - offset) else { return nil }
    return utf8(Int(n))
  }

  private mutating func utf8(_ count: Int) -> String? {
    guard bytes.count - offset >= count else { return nil }
    defer { offset += count }
    let part = UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + count]).assumingMemoryBound(
      to: UInt8.self)
    // ASCII (user ids, attribute names, most values) is valid UTF-8 as it is: `decoding` over a
    // byte buffer builds the same string without the generic validating path and its metadata
    // lookups (~900 instructions a string; docs/performance.md, "Session from Redis, round 6").
    var ascii = true
    for byte in part where byte >= 0x80 {
      ascii = false
      break
    }
    return ascii ? String(decoding: part, as: UTF8.self) : String(validating: part, as: UTF8.self)
  }
}

extension ByteReader {
  /// Everything not read yet.
  mutating func rest() -> [UInt8] {
    defer { offset = bytes.count }
    return Array(bytes[offset...])
  }
}
