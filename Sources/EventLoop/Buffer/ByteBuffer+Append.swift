import Codecs
import Glibc

/// Appending bytes and numbers. Each append is all or nothing: false, and nothing written,
/// if it does not fit.
extension ByteBuffer {
  /// Always inlined: the heads are written with dozens of appends per request, and a call costs
  /// more than the copy of a short name or value; a literal's length is then a constant, and its
  /// copy a few moves instead of a `memmove`
  /// (docs/performance.md, "Pass-through and repeated token, round 6").
  @inlinable @inline(__always)
  public func append(_ bytes: UnsafeRawBufferPointer) -> Bool {
    let count = bytes.count
    guard count <= writable else { return false }
    if count > 0, let source = bytes.baseAddress {
      writePointer.copyMemory(from: source, byteCount: count)
      writerIndex += count
    }
    return true
  }

  @inlinable @inline(__always)
  public func append(_ string: StaticString) -> Bool {
    precondition(string.hasPointerRepresentation, "append(StaticString) needs a string, not a scalar")
    return append(UnsafeRawBufferPointer(start: string.utf8Start, count: string.utf8CodeUnitCount))
  }

  /// Appends the UTF-8 bytes of `string`. Not for the hot path: prefer `StaticString` or bytes.
  /// Labelled so that string literals resolve to the `StaticString` overload (a literal would
  /// otherwise become a `String` and pay for its UTF-8 view on every call).
  public func append(string: String) -> Bool {
    var string = string
    return string.withUTF8 { append(UnsafeRawBufferPointer($0)) }
  }

  @inlinable @inline(__always)
  public func append(byte: UInt8) -> Bool {
    guard writable > 0 else { return false }
    writePointer.storeBytes(of: byte, as: UInt8.self)
    writerIndex += 1
    return true
  }

  /// Appends `value` in decimal ASCII, with a leading "-" if negative.
  public func appendDecimal(_ value: Int) -> Bool {
    let negative = value < 0
    var magnitude = value.magnitude
    var digits = 1
    var rest = magnitude / 10
    while rest > 0 {
      digits += 1
      rest /= 10
    }
    let count = digits + (negative ? 1 : 0)
    guard count <= writable else { return false }
    let out = writePointer.assumingMemoryBound(to: UInt8.self)
    if negative { out[0] = UInt8(ascii: "-") }
    var index = count - 1
    repeat {
      out[index] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: magnitude % 10)
      magnitude /= 10
      index -= 1
    } while magnitude > 0
    writerIndex += count
    return true
  }

  /// Appends `value` (>= 0) in lowercase hexadecimal without leading zeros, "0" for 0: the
  /// chunk-size line of chunked transfer coding.
  public func appendHex(_ value: Int) -> Bool {
    precondition(value >= 0, "appendHex of a negative value")
    var bits = UInt(value)
    let digits = bits == 0 ? 1 : (UInt.bitWidth - bits.leadingZeroBitCount + 3) / 4
    guard digits <= writable else { return false }
    let out = writePointer.assumingMemoryBound(to: UInt8.self)
    var index = digits - 1
    repeat {
      out[index] = Hex.digit(UInt8(truncatingIfNeeded: bits))
      bits >>= 4
      index -= 1
    } while bits > 0
    writerIndex += digits
    return true
  }

  /// Appends `value` as exactly 16 lower-case hex digits (trace, span and request ids).
  @inline(__always)
  public func appendHex64(_ value: UInt64) -> Bool {
    guard writable >= 16 else { return false }
    Hex.write64(value, to: writePointer.assumingMemoryBound(to: UInt8.self))
    writerIndex += 16
    return true
  }
}
