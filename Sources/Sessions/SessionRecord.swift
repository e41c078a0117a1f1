/// The state of one session: what is sealed into the store. Times are wall-clock nanoseconds since
/// the Unix epoch (`Clock.wallNanos()`), because records are shared by replicas through Redis and
/// a monotonic clock is per host. Value type; not secret by itself but only ever stored sealed.
public struct SessionRecord: Sendable, Equatable {
  /// The serialised form's first byte: 1 for records without a vault or fingerprint (readable
  /// by every release), 2 when either is present (see `SessionRecord+Serialization`).
  public static let formatVersion: UInt8 = 1
  public static let extendedFormatVersion: UInt8 = 2
  /// The compact form (`SessionRecord+CacheForm` after the version byte): what the memory store's
  /// records are sealed in. Records bound for Redis keep versions 1 and 2, which every release reads.
  public static let compactFormatVersion: UInt8 = 3
  public static let csrfSecretByteCount = 32

  public var userID: String
  /// From `Gatehouse-Session-Attributes`, forwarded to the app as configured headers.
  public var attributes: [String: String]
  public var created: Int64
  /// Last time a request used the session (as of the last touch that wrote).
  public var lastAccess: Int64
  /// `created + absoluteTimeout`, fixed at creation.
  public var absoluteDeadline: Int64
  /// Creation or the last id rotation.
  public var lastRotation: Int64
  public var binding: SessionBinding
  /// 32 random bytes; CSRF tokens derive from it (`CSRFToken`).
  public var csrfSecret: [UInt8]
  /// Set by `Gatehouse-Elevate` (a privilege change, which also rotates the id).
  public var elevated: Bool
  public var elevatedAttributes: [String: String]
  /// Incremented on every rotation and elevation: tells a stale cached copy from a fresh one.
  public var generation: UInt64
  /// The app's cookies kept for it (`[session] vault_cookies`), sorted by name.
  public var vault: [VaultedCookie]

  public init(
    userID: String, attributes: [String: String] = [:], created: Int64, lastAccess: Int64,
    absoluteDeadline: Int64, lastRotation: Int64, binding: SessionBinding, csrfSecret: [UInt8],
    elevated: Bool = false, elevatedAttributes: [String: String] = [:], generation: UInt64 = 0,
    vault: [VaultedCookie] = []
  ) {
    self.userID = userID
    self.attributes = attributes
    self.created = created
    self.lastAccess = lastAccess
    self.absoluteDeadline = absoluteDeadline
    self.lastRotation = lastRotation
    self.binding = binding
    self.csrfSecret = csrfSecret
    self.elevated = elevated
    self.elevatedAttributes = elevatedAttributes
    self.generation = generation
    self.vault = vault
  }
}
