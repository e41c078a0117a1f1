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

  /// Writes `value` as exactly 16 lower-case digits to `out[0..<16]` (any alignment). Eight
  /// digits at a time in a word (`digits8`): the request path writes five of these per
  /// request (trace and span ids, request id), ~20 instructions each instead of ~85.
  @inlinable @inline(__always)
  public static func write64(_ value: UInt64, to out: UnsafeMutablePointer<UInt8>) {
    let raw = UnsafeMutableRawPointer(out)
    raw.storeBytes(of: digits8(UInt32(truncatingIfNeeded: value >> 32)).bigEndian, as: UInt64.self)
    raw.storeBytes(of: digits8(UInt32(truncatingIfNeeded: value)).bigEndian, toByteOffset: 8, as: UInt64.self)
  }

  /// The 8 lower-case digits of `value`, most significant in the word's high byte: each nibble
  /// spread into its own byte, then `0x30` added to every byte and `0x27` more to those ≥ 10
  /// (`'a'` − `'0'` − 10), without branches or carries between bytes.
  @inlinable @inline(__always)
  static func digits8(_ value: UInt32) -> UInt64 {
    var v = UInt64(value)
    v = (v | (v << 16)) & 0x0000_FFFF_0000_FFFF
    v = (v | (v << 8)) & 0x00FF_00FF_00FF_00FF
    v = (v | (v << 4)) & 0x0F0F_0F0F_0F0F_0F0F
    let letters = ((v &+ 0x0606_0606_0606_0606) >> 4) & 0x0101_0101_0101_0101
    return v &+ 0x3030_3030_3030_3030 &+ letters &* 0x27
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
