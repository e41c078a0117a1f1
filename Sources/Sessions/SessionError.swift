/// Why a session operation failed. One error type for the target (docs/DECISIONS.md §4); `kind` is
/// closed so `Proxy` can map it to a status code and a security event, `detail` is for logs and
/// never contains ticket material. Immutable.
public struct SessionError: Error, Sendable, Equatable, CustomStringConvertible {
  public enum Kind: String, Sendable, Equatable {
    /// The cookie value is not a ticket: wrong length, not canonical base64url.
    case malformedTicket
    /// The ticket's version byte is not one this build understands.
    case unsupportedTicketVersion
    /// The ticket's HMAC matches no key of the ring (forged, bit-flipped, or signed by a retired key).
    case badTicketSignature
    /// A configured key is unusable (too short, empty ring).
    case invalidKey
    /// A record, forwarding record or sealed blob does not decode.
    case malformedRecord
    /// A record's format version is unknown.
    case unsupportedRecordVersion
    /// AES-GCM refused the sealed record: wrong secret, tampered bytes, or moved to another key.
    case recordAuthenticationFailed
    /// The store already holds this key (a 128-bit id collision: practically a bug).
    case storeConflict
    /// The store cannot answer (Redis down, timeout); maps to 503 / `on_store_unavailable`.
    case storeUnavailable
    /// OpenSSL failed.
    case crypto
  }

  public let kind: Kind
  public let detail: String

  public init(_ kind: Kind, _ detail: String = "") {
    self.kind = kind
    self.detail = detail
  }

  public var description: String { detail.isEmpty ? kind.rawValue : "\(kind.rawValue): \(detail)" }
}
