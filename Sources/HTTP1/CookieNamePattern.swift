/// A cookie name or a glob over cookie names (`JSESSIONID`, `_ga*`, `_ga_*`, `utm_*`, `*_pref`):
/// `*` stands for any run of bytes, possibly empty; every other byte matches itself exactly
/// (cookie names are case-sensitive, RFC 6265bis §5.7). A pattern without `*` is an exact name.
/// Matching is iterative with one backtrack point, so no pattern is exponential. Immutable.
public struct CookieNamePattern: Sendable, Equatable, CustomStringConvertible {
  public let text: String
  private let bytes: [UInt8]
  /// No `*`: compared as an exact name.
  public let isExact: Bool

  public init(_ text: String) {
    self.text = text
    self.bytes = Array(text.utf8)
    self.isExact = !bytes.contains(UInt8(ascii: "*"))
  }

  /// A valid pattern: non-empty, token bytes and `*` only (an RFC 9110 token is what a cookie name
  /// is; `*` itself is a token byte, so a literal `*` cannot be named — no cookie uses one).
  public var isValid: Bool { !bytes.isEmpty && bytes.allSatisfy(ASCII.isTChar) }

  /// The bytes before the first `*` (the whole name for an exact pattern): what every name it
  /// matches starts with, used to check the `__Host-`/`__Secure-` prefix rules of a rule.
  public var literalPrefix: String {
    String(decoding: bytes.prefix { $0 != UInt8(ascii: "*") }, as: UTF8.self)
  }

  public func matches(_ name: String) -> Bool {
    var name = name
    return name.withUTF8 { matches(UnsafeRawBufferPointer($0)) }
  }

  public func matches(_ name: UnsafeRawBufferPointer) -> Bool {
    if isExact { return bytes.count == name.count && bytes.withUnsafeBytes { $0.elementsEqual(name) } }
    var p = 0
    var n = 0
    var star = -1
    var resume = 0
    while n < name.count {
      if p < bytes.count && bytes[p] == UInt8(ascii: "*") {
        star = p
        p += 1
        resume = n
      } else if p < bytes.count && bytes[p] == name[n] {
        p += 1
        n += 1
      } else if star >= 0 {
        p = star + 1
        resume += 1
        n = resume
      } else {
        return false
      }
    }
    while p < bytes.count && bytes[p] == UInt8(ascii: "*") { p += 1 }
    return p == bytes.count
  }

  public var description: String { text }
}
