/// One `Set-Cookie` field value as `SetCookieParser` read it: the cookie and every attribute, with
/// the meaning a browser gives them. Mutable value, so a policy can rewrite attributes and
/// re-serialise it with `fieldValue()`. Immutable once built; thread-safe as a value.
public struct ParsedSetCookie: Sendable, Equatable {
  /// RFC 6265bis §5.7: browsers ignore a cookie whose name and value together exceed this.
  public static let maxNameValueBytes = 4096
  /// RFC 6265bis §5.7: browsers ignore an attribute whose value exceeds this.
  public static let maxAttributeValueBytes = 1024

  public var name: String
  /// As written, surrounding DQUOTEs included.
  public var value: String
  /// `Expires`, seconds since the Unix epoch (UTC).
  public var expires: Int64?
  /// `Max-Age` in seconds; zero or negative means "delete now".
  public var maxAge: Int64?
  /// `Domain`, lowercased, without the leading "." browsers ignore.
  public var domain: String?
  public var path: String?
  public var secure: Bool
  public var httpOnly: Bool
  public var sameSite: SetCookie.SameSite?
  public var partitioned: Bool
  /// Attributes the parser does not interpret (`Priority=High`), trimmed, in their order.
  public var extensions: [String]

  public init(
    name: String, value: String, expires: Int64? = nil, maxAge: Int64? = nil, domain: String? = nil,
    path: String? = nil, secure: Bool = false, httpOnly: Bool = false, sameSite: SetCookie.SameSite? = nil,
    partitioned: Bool = false, extensions: [String] = []
  ) {
    self.name = name
    self.value = value
    self.expires = expires
    self.maxAge = maxAge
    self.domain = domain
    self.path = path
    self.secure = secure
    self.httpOnly = httpOnly
    self.sameSite = sameSite
    self.partitioned = partitioned
    self.extensions = extensions
  }

  /// The field value in the canonical attribute order (Path, Domain, Max-Age, Expires, Secure,
  /// HttpOnly, SameSite, Partitioned, then extensions). Every part is validated as the parser
  /// would, so `SetCookieParser.parse(fieldValue())` gives this value back.
  public func fieldValue() throws(CookieError) -> String {
    guard !name.isEmpty, name.utf8.allSatisfy(ASCII.isTChar) else { throw CookieError(.name) }
    guard SetCookieParser.isValidValue(Array(value.utf8)[...]) else { throw CookieError(.value) }
    guard name.utf8.count + value.utf8.count <= Self.maxNameValueBytes else { throw CookieError(.size) }
    var out = "\(name)=\(value)"
    if let path {
      guard path.utf8.first == UInt8(ascii: "/"), path.utf8.allSatisfy(SetCookieParser.isAttributeByte),
        path.utf8.count <= Self.maxAttributeValueBytes
      else { throw CookieError(.path) }
      out += "; Path=\(path)"
    }
    if let domain {
      guard SetCookieParser.isValidDomain(Array(domain.utf8)[...]) else { throw CookieError(.domain) }
      out += "; Domain=\(domain)"
    }
    if let maxAge { out += "; Max-Age=\(maxAge)" }
    if let expires { out += "; Expires=\(CookieDate.format(expires))" }
    if secure { out += "; Secure" }
    if httpOnly { out += "; HttpOnly" }
    if let sameSite { out += "; SameSite=\(sameSite.rawValue)" }
    if partitioned { out += "; Partitioned" }
    for item in extensions {
      let bytes = Array(item.utf8)
      guard SetCookieParser.isValidExtension(bytes[...]) else { throw CookieError(.attribute) }
      out += "; \(item)"
    }
    return out
  }
}
