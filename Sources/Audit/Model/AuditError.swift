/// Why the audit (or one probe) could not do what it set out to do. A probe that throws is
/// reported as failed with this description as evidence: an audit that could not look must not
/// pass. Never carries a secret, ticket or token. Immutable.
public struct AuditError: Error, Sendable, Equatable, CustomStringConvertible {
  public enum Kind: String, Sendable, CaseIterable {
    /// The target or admin address is not a usable `http://host:port` URL, or a flag is wrong.
    case usage
    /// No TCP connection (refused, unreachable, timed out).
    case connect
    /// Sending or receiving failed (reset, broken pipe, TLS).
    case io
    /// The peer was silent past the deadline.
    case timeout
    /// The answer is not an HTTP/1.1 response we can read.
    case malformedResponse
    /// The app's login did not give a session cookie.
    case login
    /// The admin API refused or failed.
    case admin
  }

  public let kind: Kind
  public let detail: String

  public init(_ kind: Kind, _ detail: String) {
    self.kind = kind
    self.detail = detail
  }

  public var description: String { "\(kind.rawValue): \(detail)" }
}
