/// Percent-encoding (RFC 3986 §2.1) of a query value or form field: the unreserved characters
/// (letters, digits, `-`, `.`, `_`, `~`) stay, every other byte of the UTF-8 becomes `%XX` with
/// upper-case digits — a space too, which form decoders read as well as `+`. Stateless.
public enum PercentEncoding {
  public static func encode(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for byte in text.utf8 {
      switch byte {
      case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
        UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
        UInt8(ascii: "~"):
        out.unicodeScalars.append(Unicode.Scalar(byte))
      default:
        out.unicodeScalars.append("%")
        out.unicodeScalars.append(Unicode.Scalar(Hex.upperDigit(byte >> 4)))
        out.unicodeScalars.append(Unicode.Scalar(Hex.upperDigit(byte)))
      }
    }
    return out
  }
}
