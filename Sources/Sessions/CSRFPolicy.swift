/// Request-side CSRF rules that need no session: the cross-site header check, and reading a
/// token from a form body. Which methods need a token is `HTTPMethod.isSafe` (HTTP1): unsafe
/// methods do, the method on the request line decides. Pure functions over bytes; stateless,
/// thread-safe. The token check itself is `CSRFToken.verify`.
public enum CSRFPolicy {
  /// Verdict of `crossSiteCheck`.
  public enum CrossSite: Sendable, Equatable {
    case allowed
    /// `Sec-Fetch-Site: cross-site`.
    case crossSiteFetch
    /// `Origin` present and not the request's own scheme://host[:port] (includes `Origin: null`).
    case foreignOrigin
  }

  /// Outcome of `formField`.
  public enum FormField: Sendable, Equatable {
    case found([UInt8])
    case absent
    /// Body longer than the bound: not searched (the caller refuses or requires the header).
    case tooLarge
    /// A bad percent escape in the field looked for.
    case malformed
  }

  /// Refuses a request whose `Sec-Fetch-Site` is `cross-site`, or whose `Origin` is present and is
  /// not `scheme://host` of this request (`host` is the Host header, which may carry a port; a
  /// default port, 80 for http and 443 for https, matches its absence). `same-site`, `same-origin`
  /// and `none` pass (subdomains are the cookie's business, SameSite handles them). No `Origin`
  /// passes: old browsers omit it, and the token is still required.
  public static func crossSiteCheck(secFetchSite: [UInt8]?, origin: [UInt8]?, scheme: String, host: [UInt8])
    -> CrossSite
  {
    if let site = secFetchSite, equalBytesIgnoringCase(trimmed(site), Array("cross-site".utf8)) {
      return .crossSiteFetch
    }
    guard let originRaw = origin else { return .allowed }
    let origin = trimmed(originRaw)
    let prefix = Array((scheme.lowercased() + "://").utf8)
    guard origin.count > prefix.count, equalBytesIgnoringCase(Array(origin[0..<prefix.count]), prefix) else {
      return .foreignOrigin
    }
    let defaultPort: [UInt8] = scheme.lowercased() == "https" ? Array("443".utf8) : Array("80".utf8)
    let originAuthority = normalisedAuthority(Array(origin[prefix.count...]), defaultPort: defaultPort)
    let requestAuthority = normalisedAuthority(trimmed(host), defaultPort: defaultPort)
    guard let originAuthority, let requestAuthority, originAuthority == requestAuthority else {
      return .foreignOrigin
    }
    return .allowed
  }

  /// The decoded value of the first `name` field of an `application/x-www-form-urlencoded` body
  /// (`+` is a space, `%XX` escapes). Bodies over `limit` bytes are not searched.
  public static func formField(named name: [UInt8], in body: UnsafeBufferPointer<UInt8>, limit: Int)
    -> FormField
  {
    guard body.count <= limit else { return .tooLarge }
    var start = 0
    while start <= body.count {
      var end = start
      while end < body.count && body[end] != UInt8(ascii: "&") { end += 1 }
      var equals = start
      while equals < end && body[equals] != UInt8(ascii: "=") { equals += 1 }
      if end > start, let key = percentDecode(body, start, equals), key == name {
        guard let value = percentDecode(body, min(equals + 1, end), end) else { return .malformed }
        return .found(value)
      }
      start = end + 1
    }
    return .absent
  }

  public static func formField(named name: String, in body: [UInt8], limit: Int) -> FormField {
    body.withUnsafeBufferPointer { formField(named: Array(name.utf8), in: $0, limit: limit) }
  }

  private static func percentDecode(_ bytes: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int) -> [UInt8]? {
    var out = [UInt8]()
    out.reserveCapacity(to - from)
    var i = from
    while i < to {
      let c = bytes[i]
      if c == UInt8(ascii: "+") {
        out.append(UInt8(ascii: " "))
      } else if c == UInt8(ascii: "%") {
        guard i + 2 < to, let h = hexValue(bytes[i + 1]), let l = hexValue(bytes[i + 2]) else { return nil }
        out.append(h << 4 | l)
        i += 2
      } else {
        out.append(c)
      }
      i += 1
    }
    return out
  }

  private static func hexValue(_ c: UInt8) -> UInt8? {
    switch c {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
    default: return nil
    }
  }

  /// Lower-cased `host[:port]` with the default port removed; nil when a path, query, user info or
  /// empty host is present (an Origin is scheme://host[:port] only).
  private static func normalisedAuthority(_ raw: [UInt8], defaultPort: [UInt8]) -> [UInt8]? {
    guard !raw.isEmpty else { return nil }
    for c in raw
    where c == UInt8(ascii: "/") || c == UInt8(ascii: "?") || c == UInt8(ascii: "@") || c == UInt8(ascii: "#")
      || c <= 0x20
    {
      return nil
    }
    var lowered = raw.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
    // The port separator is the last ':' outside IPv6 brackets.
    if let colon = lowered.lastIndex(of: UInt8(ascii: ":")), !lowered[colon...].contains(UInt8(ascii: "]")) {
      let port = Array(lowered[(colon + 1)...])
      if port == defaultPort || port.isEmpty { lowered.removeSubrange(colon...) }
    }
    return lowered.isEmpty ? nil : lowered
  }

  private static func trimmed(_ v: [UInt8]) -> [UInt8] {
    var s = 0
    var e = v.count
    while s < e && (v[s] == 0x20 || v[s] == 0x09) { s += 1 }
    while e > s && (v[e - 1] == 0x20 || v[e - 1] == 0x09) { e -= 1 }
    return Array(v[s..<e])
  }

  private static func equalBytesIgnoringCase(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    guard a.count == b.count else { return false }
    for i in 0..<a.count {
      let x = a[i] >= 0x41 && a[i] <= 0x5A ? a[i] | 0x20 : a[i]
      let y = b[i] >= 0x41 && b[i] <= 0x5A ? b[i] | 0x20 : b[i]
      if x != y { return false }
    }
    return true
  }
}
