/// Why `SetCookie` refused to build a header: the part that would have broken the field or let a
/// value inject attributes. Immutable.
public struct CookieError: Error, Sendable, Equatable, CustomStringConvertible {
  public enum Part: String, Sendable, Equatable {
    /// Not an RFC 9110 token (RFC 6265bis cookie-name).
    case name
    /// Contains a byte outside cookie-octet (CTL, whitespace, DQUOTE, `,`, `;`, `\`, non-ASCII).
    case value
    /// Empty, not starting with "/", or contains CTL or `;`.
    case path
    /// Contains a byte that is not a letter, digit, `-` or `.`.
    case domain
    /// Negative.
    case maxAge
  }

  public let part: Part

  public init(_ part: Part) { self.part = part }

  public var description: String { "invalid cookie \(part.rawValue)" }
}
