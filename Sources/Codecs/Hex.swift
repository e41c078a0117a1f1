/// Hexadecimal text, the one encoder every target uses: chunk sizes (EventLoop), trace and
/// request ids (Proxy), store keys and log hashes (Sessions), script digests, `\u00XX` and `%XX`
/// escapes. Digits are computed, not looked up, and nothing allocates except the `String`
/// results; the small forms are inlinable so hot-path callers in other targets inline them.
/// Stateless.
public enum Hex {
  /// The lower-case digit of the low four bits of `nibble` (`0`–`9`, `a`–`f`).
  @inlinable @inline(__always)
  public static func digit(_ nibble: UInt8) -> UInt8 {
    let n = nibble & 0xF
    return n < 10 ? 0x30 &+ n : 0x57 &+ n
  }

  /// The upper-case digit of the low four bits of `nibble` (`0`–`9`, `A`–`F`), for `%XX`.
  @inlinable @inline(__always)
  public static func upperDigit(_ nibble: UInt8) -> UInt8 {
    let n = nibble & 0xF
    return n < 10 ? 0x30 &+ n : 0x37 &+ n
  }

  /// Writes `value` as exactly 16 lower-case digits to `out[0..<16]`.
  @inlinable
  public static func write64(_ value: UInt64, to out: UnsafeMutablePointer<UInt8>) {
    for index in 0..<16 {
      out[index] = digit(UInt8(truncatingIfNeeded: value >> UInt64(60 - 4 * index)))
    }
  }

  /// `value` as 16 lower-case digits (leading zeros kept).
  @inlinable
  public static func string64(_ value: UInt64) -> String {
    String(unsafeUninitializedCapacity: 16) { out in
      write64(value, to: out.baseAddress!)
      return 16
    }
  }

  /// Two lower-case digits per byte.
  @inlinable
  public static func encode<Bytes: Collection>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
    String(unsafeUninitializedCapacity: bytes.count * 2) { out in
      var index = 0
      for byte in bytes {
        out[index] = digit(byte >> 4)
        out[index + 1] = digit(byte)
        index += 2
      }
      return index
    }
  }

  /// Decodes lower- or upper-case hex; nil for odd length or a non-hex character.
  public static func decode(_ text: Substring.UTF8View) -> [UInt8]? {
    guard text.count % 2 == 0 else { return nil }
    var out = [UInt8]()
    out.reserveCapacity(text.count / 2)
    var high: UInt8? = nil
    for c in text {
      let v: UInt8
      switch c {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): v = c - UInt8(ascii: "0")
      case UInt8(ascii: "a")...UInt8(ascii: "f"): v = c - UInt8(ascii: "a") + 10
      case UInt8(ascii: "A")...UInt8(ascii: "F"): v = c - UInt8(ascii: "A") + 10
      default: return nil
      }
      if let h = high {
        out.append(h << 4 | v)
        high = nil
      } else {
        high = v
      }
    }
    return out
  }
}
