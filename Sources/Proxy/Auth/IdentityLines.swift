import EventLoop
public import Sessions

/// A session grant's identity headers for the upstream request: the lines rendered once per
/// session generation (`VerifiedTicketCache.Identity`), shared, and this request's masked CSRF
/// token, written as text straight into the upstream buffer. A request pays no `String` and no
/// array for them (docs/performance.md, "Identity headers as bytes").
public struct IdentityLines: Sendable {
  public let identity: VerifiedTicketCache.Identity
  /// Nil when CSRF is off.
  public let csrf: MaskedCSRFToken?

  public init(_ identity: VerifiedTicketCache.Identity, csrf: MaskedCSRFToken?) {
    self.identity = identity
    self.csrf = csrf
  }

  /// Appends every line to `out`; false when it does not fit.
  func write(into out: ByteBuffer) -> Bool {
    var ok = identity.lines.withUnsafeBytes { out.append($0) }
    if let csrf, !identity.csrfName.isEmpty {
      ok = ok && identity.csrfName.withUnsafeBytes { out.append($0) }
      ok = ok && csrf.withText { out.append($0) } && out.append("\r\n")
    }
    return ok
  }
}
