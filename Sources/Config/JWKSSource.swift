/// Where an issuer's JWK Set comes from. Immutable.
public enum JWKSSource: Sendable, Equatable, CustomStringConvertible {
  /// Fetched over HTTP(S); the URL was checked by the loader (scheme, host, loopback rule).
  case uri(JWKSURL)
  /// Read from a local file (absolute path, resolved against the config's directory).
  case file(String)

  public var description: String {
    switch self {
    case .uri(let url): url.description
    case .file(let path): "file:\(path)"
    }
  }
}

/// A parsed `http://` or `https://` URL for a JWKS fetch: no user info, no fragment. Immutable.
public struct JWKSURL: Sendable, Equatable, CustomStringConvertible {
  public let isTLS: Bool
  /// Host name or IP literal (IPv6 without brackets).
  public let host: String
  public let port: UInt16
  /// Path and query, starting with "/".
  public let target: String

  public init(isTLS: Bool, host: String, port: UInt16, target: String) {
    self.isTLS = isTLS
    self.host = host
    self.port = port
    self.target = target
  }

  /// Parses `text`, or says why not.
  public static func parse(_ text: String) -> Result<JWKSURL, JWKSURLError> {
    let isTLS: Bool
    var rest: Substring
    if text.lowercased().hasPrefix("https://") {
      isTLS = true
      rest = text.dropFirst(8)
    } else if text.lowercased().hasPrefix("http://") {
      isTLS = false
      rest = text.dropFirst(7)
    } else {
      return .failure(JWKSURLError("must start with https:// (or http:// for loopback)"))
    }
    if rest.contains("#") { return .failure(JWKSURLError("must not have a fragment")) }
    if rest.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value >= 0x7F }) {
      return .failure(JWKSURLError("must not contain spaces, control or non-ASCII characters"))
    }
    let authority = rest.prefix { $0 != "/" && $0 != "?" }
    rest = rest.dropFirst(authority.count)
    if authority.contains("@") { return .failure(JWKSURLError("must not contain user info")) }
    var host: Substring
    var portText: Substring?
    if authority.hasPrefix("[") {
      guard let close = authority.firstIndex(of: "]") else {
        return .failure(JWKSURLError("unterminated IPv6 literal"))
      }
      host = authority[authority.index(after: authority.startIndex)..<close]
      let after = authority[authority.index(after: close)...]
      if !after.isEmpty {
        guard after.hasPrefix(":") else { return .failure(JWKSURLError("invalid authority")) }
        portText = after.dropFirst()
      }
    } else if let colon = authority.lastIndex(of: ":") {
      host = authority[..<colon]
      portText = authority[authority.index(after: colon)...]
    } else {
      host = authority
    }
    guard !host.isEmpty else { return .failure(JWKSURLError("has no host")) }
    var port: UInt16 = isTLS ? 443 : 80
    if let portText {
      guard let value = UInt16(portText), value > 0 else {
        return .failure(JWKSURLError("invalid port \"\(portText)\""))
      }
      port = value
    }
    var target = String(rest)
    if target.isEmpty { target = "/" }
    if target.hasPrefix("?") { target = "/" + target }
    return .success(JWKSURL(isTLS: isTLS, host: String(host), port: port, target: target))
  }

  /// True when the host is a loopback literal or `localhost`.
  public var isLoopbackHost: Bool {
    let lower = host.lowercased()
    if lower == "localhost" || lower.hasSuffix(".localhost") || lower == "::1" { return true }
    let parts = lower.split(separator: ".", omittingEmptySubsequences: false)
    return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
  }

  public var description: String {
    let hostText = host.contains(":") ? "[\(host)]" : host
    let defaultPort: UInt16 = isTLS ? 443 : 80
    return (isTLS ? "https://" : "http://") + hostText + (port == defaultPort ? "" : ":\(port)") + target
  }
}

/// Why a JWKS URL was refused. Immutable.
public struct JWKSURLError: Error, Sendable, Equatable, CustomStringConvertible {
  public let reason: String
  public init(_ reason: String) { self.reason = reason }
  public var description: String { reason }
}
