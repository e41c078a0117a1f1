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

  /// Appends every line to `out`; false (and nothing written) when they do not fit. The CSRF
  /// token's text is encoded straight into `out` (no buffer of its own, no copy).
  func write(into out: ByteBuffer) -> Bool {
    guard let csrf, !identity.csrfName.isEmpty else {
      return identity.lines.withUnsafeBytes { out.append($0) }
    }
    return identity.lines.withUnsafeBytes { lines in
      identity.csrfName.withUnsafeBytes { name in
        let total = lines.count + name.count + CSRFToken.encodedLength + 2
        guard total <= out.writable else { return false }
        let start = out.writePointer
        if let base = lines.baseAddress { start.copyMemory(from: base, byteCount: lines.count) }
        if let base = name.baseAddress { (start + lines.count).copyMemory(from: base, byteCount: name.count) }
        let text = (start + lines.count + name.count).assumingMemoryBound(to: UInt8.self)
        let written = csrf.write(into: text)
        text[written] = UInt8(ascii: "\r")
        text[written + 1] = UInt8(ascii: "\n")
        out.writerIndex += lines.count + name.count + written + 2
        return true
      }
    }
  }
}
