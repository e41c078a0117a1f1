import Sessions

/// A JWT grant's identity headers rendered once, when the token verifies, as the bytes the app
/// receives (`name: value\r\n` each) — the session path's form (`IdentityLines`). A repeated
/// token's grant comes out of its cache entry with them, so the upstream request appends one
/// byte run instead of writing an array of `String` pairs (docs/performance.md, "JWT, round 5").
enum BearerIdentity {
  /// `X-User-Id`, `X-Auth-Method: jwt`, then the configured claim headers in their order. No
  /// CSRF line (a bearer token has none); the generation is unused (a reload builds new
  /// authenticators) and the principal hash is the grant's own (`PrincipalHash`), so both are
  /// left empty here.
  static func lines(user: String, claimHeaders: [(String, String)]) -> IdentityLines {
    var lines: [UInt8] = []
    // One allocation: the lines' length is known before they are written.
    var length = "X-User-Id: \r\nX-Auth-Method: jwt\r\n".utf8.count + user.utf8.count
    for (name, value) in claimHeaders { length += name.utf8.count + value.utf8.count + 4 }
    lines.reserveCapacity(length)
    func line(_ name: String, _ value: String) {
      lines.append(contentsOf: name.utf8)
      lines.append(UInt8(ascii: ":"))
      lines.append(UInt8(ascii: " "))
      lines.append(contentsOf: value.utf8)
      lines.append(UInt8(ascii: "\r"))
      lines.append(UInt8(ascii: "\n"))
    }
    line("X-User-Id", user)
    line("X-Auth-Method", "jwt")
    for (name, value) in claimHeaders { line(name, value) }
    let identity = VerifiedTicketCache.Identity(
      generation: 0, userID: user, lines: lines, csrfName: [], csrfSecret: [], csrfBase: [], principalHash: ""
    )
    return IdentityLines(identity, csrf: nil)
  }
}
