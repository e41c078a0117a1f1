import EventLoop

/// Lower-case fixed-width hex, written straight into a buffer (no String on the hot path).
enum HexFormat {
  @inline(__always)
  static func digit(_ nibble: UInt64) -> UInt8 {
    let n = UInt8(truncatingIfNeeded: nibble & 0xF)
    return n < 10 ? 0x30 + n : 0x57 + n
  }

  /// Appends `value` as 16 hex digits. Returns false if it does not fit.
  @discardableResult
  static func append64(_ value: UInt64, to buffer: ByteBuffer) -> Bool {
    guard buffer.writable >= 16 else { return false }
    let out = buffer.writePointer.assumingMemoryBound(to: UInt8.self)
    for i in 0..<16 {
      out[i] = digit(value >> UInt64(60 - 4 * i))
    }
    buffer.writerIndex += 16
    return true
  }

  static func string64(_ value: UInt64) -> String {
    var bytes = [UInt8](repeating: 0, count: 16)
    for i in 0..<16 { bytes[i] = digit(value >> UInt64(60 - 4 * i)) }
    return String(decoding: bytes, as: UTF8.self)
  }
}
