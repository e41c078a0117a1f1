import Crypto

/// One issuer's JWKS state machine: the current key set, when to fetch next, and whether a
/// fetch is running. It decides; the caller (the fetcher in `Proxy`) does the I/O and feeds the
/// result back. No I/O, no threads, no clock of its own: a value type, so tests drive it with a
/// fake clock. Not thread-safe by itself — the owner keeps it behind a lock (e.g. a `Mutex`) and
/// publishes `keySet` (an immutable `KeySet`) to request threads.
///
/// All instants and durations are **milliseconds** on the caller's monotonic clock.
///
/// Behaviour (see notes/jwks-rs256.md for the survey behind it):
/// - Success replaces the whole set (removed keys stop verifying). The time-to-live is
///   `Cache-Control: max-age` clamped to [`minRefresh`, `maxRefresh`], or `refreshInterval` when
///   absent; the next fetch is due `refreshAhead` before expiry (at most half the TTL), so requests
///   never see an expired set while the issuer is up. A body identical to the current keys keeps the
///   current `KeySet` object and generation, so verified-token cache entries survive the refresh.
/// - A document that does not parse, or has no usable key, counts as a failed fetch.
/// - Failure keeps serving the last good set until `maxStale` after the last success; the next
///   attempt is due after an exponential backoff (`backoffStart` doubling to `backoffCap`) with
///   "equal jitter" (half fixed, half random), so many sidecars do not retry in lock-step.
/// - Unknown `kid`: `shouldRefetchForUnknownKid` grants at most one fetch per `refetchInterval`
///   (counted from the start of the previous fetch of any kind) and never while one is running.
///   A refused request fails at once with 401; it never waits and never floods the issuer.
public struct JWKSCache: Sendable {
  public struct Settings: Sendable, Equatable {
    public var refreshInterval: Int64
    public var minRefresh: Int64
    public var maxRefresh: Int64
    public var refreshAhead: Int64
    public var maxStale: Int64
    public var refetchInterval: Int64
    public var backoffStart: Int64
    public var backoffCap: Int64
    public var limits: JWKSet.Limits

    public init(
      refreshInterval: Int64 = 600_000, minRefresh: Int64 = 60_000, maxRefresh: Int64 = 86_400_000,
      refreshAhead: Int64 = 30_000, maxStale: Int64 = 86_400_000, refetchInterval: Int64 = 30_000,
      backoffStart: Int64 = 1_000, backoffCap: Int64 = 300_000, limits: JWKSet.Limits = JWKSet.Limits()
    ) {
      self.refreshInterval = refreshInterval
      self.minRefresh = minRefresh
      self.maxRefresh = maxRefresh
      self.refreshAhead = refreshAhead
      self.maxStale = maxStale
      self.refetchInterval = refetchInterval
      self.backoffStart = backoffStart
      self.backoffCap = backoffCap
      self.limits = limits
    }
  }

  /// What the fetcher got.
  public enum FetchResult: Sendable {
    /// A 200 response: its body and the `max-age` of its Cache-Control header in seconds, if any.
    case success(body: [UInt8], cacheControlMaxAge: Int64?)
    /// Transport error, timeout, non-200 status, body over the limit…
    case failure(reason: String)
  }

  /// What `apply` did, for logs and metrics.
  public enum Outcome: Sendable {
    /// A new key set is current (`skipped` lists the keys left out and why).
    case replaced(KeySet, skipped: [String])
    /// The document held the same keys; the current set (and its generation) stays.
    case unchanged(KeySet, skipped: [String])
    /// Nothing changed; the last good set (if any) keeps serving until `maxStale`.
    case failed(reason: String, retryAt: Int64)
  }

  public let settings: Settings
  /// The last good set, or nil before the first success. May be stale: use `currentKeys(now:)`.
  public private(set) var keySet: KeySet?
  public private(set) var lastSuccess: Int64?
  /// When the current set's TTL runs out (it keeps serving after that, up to `maxStale`).
  public private(set) var expiresAt: Int64?
  /// When the next scheduled fetch is due (0 at creation: fetch at once).
  public private(set) var nextFetchAt: Int64 = 0
  public private(set) var fetchInFlight = false
  public private(set) var consecutiveFailures = 0
  public private(set) var lastFetchStartedAt: Int64?
  private var random: SplitMix64

  /// `seed` feeds the backoff jitter (random when nil); tests pass a fixed one.
  public init(settings: Settings = Settings(), seed: UInt64? = nil) {
    self.settings = settings
    self.random = SplitMix64(seed: seed ?? SecureRandom.uint64())
  }

  /// True when the issuer has a usable set no older than `maxStale` (feeds `/readyz`).
  public func isReady(now: Int64) -> Bool { currentKeys(now: now) != nil }

  /// The set to verify with now, or nil when there is none or it is older than `maxStale`.
  public func currentKeys(now: Int64) -> KeySet? {
    guard let keySet, let lastSuccess, now - lastSuccess <= settings.maxStale else { return nil }
    return keySet
  }

  /// True when a scheduled fetch is due and none is running.
  public func needsFetch(now: Int64) -> Bool { !fetchInFlight && now >= nextFetchAt }

  /// Marks a scheduled fetch as started; false if one is already running (single flight).
  public mutating func beginFetch(now: Int64) -> Bool {
    guard !fetchInFlight else { return false }
    fetchInFlight = true
    lastFetchStartedAt = now
    return true
  }

  /// A request met an unknown `kid`. Returns true — and marks the fetch as started — when a
  /// refetch is allowed now; the caller then fetches and calls `apply`. False means: fail this
  /// request now (a fetch is already running, or one started less than `refetchInterval` ago).
  public mutating func shouldRefetchForUnknownKid(now: Int64) -> Bool {
    guard !fetchInFlight else { return false }
    if let last = lastFetchStartedAt, now - last < settings.refetchInterval { return false }
    fetchInFlight = true
    lastFetchStartedAt = now
    return true
  }

  /// Feeds the result of the fetch started by `beginFetch` or `shouldRefetchForUnknownKid`.
  @discardableResult
  public mutating func apply(fetchResult: FetchResult, now: Int64) -> Outcome {
    fetchInFlight = false
    switch fetchResult {
    case .failure(let reason):
      return fail(reason, now: now)
    case .success(let body, let maxAge):
      let parsed: JWKSet
      do {
        parsed = try JWKSet.parse(body, limits: settings.limits)
      } catch {
        return fail(error.description, now: now)
      }
      guard !parsed.keys.isEmpty else {
        return fail("no usable key (\(parsed.skipped.joined(separator: "; ")))", now: now)
      }
      var ttl = settings.refreshInterval
      if let maxAge, maxAge >= 0 { ttl = maxAge > Int64.max / 1000 ? Int64.max / 2 : maxAge * 1000 }
      ttl = min(max(ttl, settings.minRefresh), settings.maxRefresh)
      lastSuccess = now
      expiresAt = now + ttl
      nextFetchAt = now + ttl - min(settings.refreshAhead, ttl / 2)
      consecutiveFailures = 0
      if let current = keySet, current.sameKeys(as: parsed.keys) {
        return .unchanged(current, skipped: parsed.skipped)
      }
      let fresh = KeySet(parsed)
      keySet = fresh
      return .replaced(fresh, skipped: parsed.skipped)
    }
  }

  private mutating func fail(_ reason: String, now: Int64) -> Outcome {
    consecutiveFailures += 1
    let shift = min(consecutiveFailures - 1, 40)
    let base = min(settings.backoffCap, settings.backoffStart << Int64(shift))
    let half = base / 2
    let jitter = half > 0 ? Int64(random.next() % UInt64(half + 1)) : 0
    nextFetchAt = now + (base - half) + jitter
    return .failed(reason: reason, retryAt: nextFetchAt)
  }
}

/// SplitMix64 (Steele, Lea, Flood 2014): tiny, seedable, good enough for jitter. Not for secrets.
struct SplitMix64: Sendable {
  private var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
