/// Lower-case hex for store keys and log hashes. Stateless.
enum Hex {
  private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

  static func encode<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
    var out = [UInt8]()
    out.reserveCapacity(bytes.count * 2)
    for byte in bytes {
      out.append(digits[Int(byte >> 4)])
      out.append(digits[Int(byte & 0x0F)])
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// Decodes lower- or upper-case hex; nil for odd length or a non-hex character.
  static func decode(_ text: Substring.UTF8View) -> [UInt8]? {
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
