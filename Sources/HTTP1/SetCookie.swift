/// Builds `Set-Cookie` field values (RFC 6265bis §4.1). Every part is validated, so a value can
/// never end the cookie early or smuggle attributes (`;`), and the result is always a valid
/// field value. Attributes come in a fixed order: Path, Domain, Max-Age, Expires, Secure,
/// HttpOnly, SameSite. Used at login, rotation and logout, not per request, so it returns a
/// `String`. Stateless, thread-safe.
public enum SetCookie {
  /// The SameSite attribute. Raw values are the attribute's spelling.
  public enum SameSite: String, Sendable, Equatable {
    case strict = "Strict"
    case lax = "Lax"
    case none = "None"
  }

  /// `Expires` of a deletion: the epoch, so even clients that ignore `Max-Age` drop the cookie.
  public static let pastExpires = "Thu, 01 Jan 1970 00:00:00 GMT"

  /// `name=value; Path=…; Domain=…; Max-Age=…; Secure; HttpOnly; SameSite=…`. `domain` empty and
  /// `maxAge` nil leave the attribute out (host-only, session cookie); `sameSite` nil likewise.
  public static func build(
    name: String, value: String, path: String = "/", domain: String = "", maxAge: Int64? = nil,
    secure: Bool = true, httpOnly: Bool = true, sameSite: SameSite? = .lax
  ) throws(CookieError) -> String {
    guard value.utf8.allSatisfy(isCookieOctet) else { throw CookieError(.value) }
    if let maxAge, maxAge < 0 { throw CookieError(.maxAge) }
    return try assemble(
      name: name, value: value, path: path, domain: domain,
      lifetime: maxAge.map { "; Max-Age=\($0)" } ?? "", secure: secure, httpOnly: httpOnly,
      sameSite: sameSite)
  }

  /// A header that deletes cookie `name`: empty value, `Max-Age=0` and an `Expires` in the past,
  /// with the same path, domain and flags as the cookie it deletes (a deletion with another path
  /// or domain names a different cookie and deletes nothing).
  public static func deletion(
    name: String, path: String = "/", domain: String = "", secure: Bool = true, httpOnly: Bool = true,
    sameSite: SameSite? = .lax
  ) throws(CookieError) -> String {
    try assemble(
      name: name, value: "", path: path, domain: domain, lifetime: "; Max-Age=0; Expires=\(pastExpires)",
      secure: secure, httpOnly: httpOnly, sameSite: sameSite)
  }

  private static func assemble(
    name: String, value: String, path: String, domain: String, lifetime: String, secure: Bool,
    httpOnly: Bool, sameSite: SameSite?
  ) throws(CookieError) -> String {
    guard !name.isEmpty, name.utf8.allSatisfy(ASCII.isTChar) else { throw CookieError(.name) }
    guard path.utf8.first == UInt8(ascii: "/"), path.utf8.allSatisfy(isPathByte) else {
      throw CookieError(.path)
    }
    guard domain.utf8.allSatisfy(isDomainByte) else { throw CookieError(.domain) }
    var out = "\(name)=\(value); Path=\(path)"
    if !domain.isEmpty { out += "; Domain=\(domain)" }
    out += lifetime
    if secure { out += "; Secure" }
    if httpOnly { out += "; HttpOnly" }
    if let sameSite { out += "; SameSite=\(sameSite.rawValue)" }
    return out
  }

  /// RFC 6265bis cookie-octet: %x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E.
  @inline(__always)
  public static func isCookieOctet(_ b: UInt8) -> Bool {
    b >= 0x21 && b <= 0x7E && b != 0x22 && b != 0x2C && b != 0x3B && b != 0x5C
  }

  /// av-octet (any CHAR except CTLs or ";"), restricted to visible ASCII.
  private static func isPathByte(_ b: UInt8) -> Bool { b > 0x20 && b < 0x7F && b != UInt8(ascii: ";") }

  private static func isDomainByte(_ b: UInt8) -> Bool {
    ASCII.isAlpha(b) || ASCII.isDigit(b) || b == UInt8(ascii: "-") || b == UInt8(ascii: ".")
  }
}
