/// Session rules (docs/DECISIONS.md §7); `Proxy`'s config loader builds it from `[session]`.
///
/// Durations are nanoseconds (`Int64`), like every time in this target. A zero idle timeout,
/// absolute timeout, rotation interval or touch interval switches that rule off. Deadlines are
/// exclusive: a session whose deadline is `d` is alive at `d - 1` and dead at `d`.
/// Immutable value; the decision functions are pure (time is always a parameter).
public struct SessionPolicy: Sendable, Equatable {
  public static let nanosPerSecond: Int64 = 1_000_000_000

  /// What `create` does when a user already has `maxPerUser` live sessions.
  public enum LimitAction: String, Sendable, Equatable {
    /// Drop the least recently used session(s) to make room.
    case evictOldest = "evict_oldest"
    /// Refuse the new login.
    case rejectNew = "reject_new"
  }

  public var idleTimeout: Int64 = 30 * 60 * SessionPolicy.nanosPerSecond
  public var absoluteTimeout: Int64 = 24 * 3600 * SessionPolicy.nanosPerSecond
  public var rotationInterval: Int64 = 5 * 60 * SessionPolicy.nanosPerSecond
  /// How long a rotated-away id keeps forwarding to its successor (requests in flight).
  public var rotationGrace: Int64 = 10 * SessionPolicy.nanosPerSecond
  /// Minimum time between two touches that write (idle deadline refresh without write amplification).
  public var touchInterval: Int64 = 60 * SessionPolicy.nanosPerSecond
  public var maxPerUser: Int = 3
  public var onLimit: LimitAction = .evictOldest
  public var bindIP = true
  public var ipv4Prefix = 24
  public var ipv6Prefix = 64
  public var bindUserAgent = true
  /// Lower-case header names whose values are fingerprinted at login; empty: off.
  public var bindFingerprint: [String] = []
  /// The least fraction of fingerprinted headers that must be unchanged.
  public var fingerprintMinSimilarity = 0.7
  public var csrf = true

  public init() {}

  /// The cap a store enforces on `create`.
  public var limits: SessionLimits { SessionLimits(maxPerUser: maxPerUser, onLimit: onLimit) }
}
