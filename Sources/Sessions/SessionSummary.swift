/// Unsealed metadata kept beside each sealed record, for the admin listing and for the store's own
/// bookkeeping. Holds no ticket material: `storeKey` and `hash` are hashes of the id. Immutable value.
public struct SessionSummary: Sendable, Equatable {
  /// `s:{tag}:<SHA-256(id) hex>`.
  public var storeKey: String
  /// Short hash prefix (`SessionTicket.hashForLogs`): what admins see and revoke by.
  public var hash: String
  public var created: Int64
  public var lastAccess: Int64
  /// The instant the session dies unless touched (`SessionPolicy.expiresAt`). Stores expire here.
  public var expiresAt: Int64
  /// The bound subnet as text ("203.0.113.0/24"), or "" when not bound.
  public var ipPrefix: String
  /// A short, printable prefix of the User-Agent, for humans; never used for binding.
  public var userAgent: String

  public init(
    storeKey: String, hash: String, created: Int64, lastAccess: Int64, expiresAt: Int64, ipPrefix: String,
    userAgent: String
  ) {
    self.storeKey = storeKey
    self.hash = hash
    self.created = created
    self.lastAccess = lastAccess
    self.expiresAt = expiresAt
    self.ipPrefix = ipPrefix
    self.userAgent = userAgent
  }

  /// Longest `userAgent` kept.
  public static let userAgentSummaryLimit = 96

  /// The summary for `record` under `ticket` (UA bytes outside printable ASCII become `?`).
  public init(ticket: SessionTicket, record: SessionRecord, policy: SessionPolicy, userAgent: [UInt8]?) {
    let ua = (userAgent ?? []).prefix(Self.userAgentSummaryLimit).map {
      $0 >= 0x20 && $0 < 0x7F ? $0 : UInt8(ascii: "?")
    }
    self.init(
      storeKey: ticket.storeKey, hash: ticket.hashForLogs, created: record.created,
      lastAccess: record.lastAccess,
      expiresAt: policy.expiresAt(record), ipPrefix: record.binding.ipPrefix?.description ?? "",
      userAgent: String(decoding: ua, as: UTF8.self))
  }
}
