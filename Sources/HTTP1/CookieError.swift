/// Why a cookie was refused: `SetCookie` refusing to build a header, or `SetCookieParser` refusing
/// an upstream `Set-Cookie` value. Names the part that would have broken the field, let a value
/// inject attributes, or meant something different to a browser than to Gatehouse. Immutable.
public struct CookieError: Error, Sendable, Equatable, CustomStringConvertible {
  public enum Part: String, Sendable, Equatable, CaseIterable {
    /// Not an RFC 9110 token (RFC 6265bis cookie-name), or empty.
    case name
    /// Contains a byte outside cookie-octet (CTL, whitespace, DQUOTE, `,`, `;`, `\`, non-ASCII), or
    /// an unbalanced DQUOTE.
    case value
    /// Empty, not starting with "/", or contains CTL or `;`.
    case path
    /// Contains a byte that is not a letter, digit, `-` or `.`, an empty label, or is empty.
    case domain
    /// Negative (building), or not `-`? 1*DIGIT (parsing).
    case maxAge
    /// Parsing: an `Expires` the browsers' cookie-date algorithm (RFC 6265bis §5.1.1) refuses.
    case expires
    /// Parsing: a `SameSite` other than Strict, Lax or None.
    case sameSite
    /// Parsing: the cookie-pair has no `=` (browsers would store a nameless cookie).
    case pair
    /// Parsing: an attribute whose name is not a token or whose bytes are not visible ASCII.
    case attribute
    /// Parsing: a known attribute given twice (browsers take the last; the intent is unclear).
    case duplicateAttribute
    /// Parsing: `Secure`, `HttpOnly` or `Partitioned` with a value (browsers ignore the value).
    case flagWithValue
    /// Parsing: name and value over 4096 bytes, or an attribute value over 1024 (browsers drop them).
    case size
    /// Parsing: a control character other than HTAB (browsers ignore the whole line).
    case controlCharacter
    /// Parsing: a `__Secure-` cookie without Secure, or a `__Host-` cookie without Secure, with a
    /// Domain or with a Path other than "/" (RFC 6265bis §4.1.3; browsers refuse them).
    case prefix
  }

  public let part: Part

  public init(_ part: Part) { self.part = part }

  public var description: String { "invalid cookie \(part.rawValue)" }
}
