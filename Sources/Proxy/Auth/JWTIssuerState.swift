import Config
import JWT
import Synchronization

/// One configured issuer at run time: its validator settings and its `JWKSCache` state machine,
/// shared by the fetcher thread and every loop thread. Thread-safe: one `Mutex` around the cache
/// and the queue of requests waiting for a refetch; every critical section is a few field reads
/// or writes (no I/O, no parsing: `apply` runs the JWKS parse outside the lock on a copy).
///
/// Loop threads call `keys(nowMs:)` per request that is not a repeated token (an uncontended
/// lock, well under a microsecond; a repeated token asks `stamp` without one) and
/// `requestRefetch` on an unknown `kid`; the fetcher calls `takeDueFetch`, then `finish`.
final class JWTIssuerState: Sendable {
  /// Called on the fetcher thread when a refetch a request waited for has finished; the waiter
  /// hops back to its own loop (`EventLoop.execute`).
  typealias Waiter = @Sendable () -> Void

  private struct Inner {
    var cache: JWKSCache
    /// A loop thread started a fetch (`shouldRefetchForUnknownKid`) the fetcher has not run yet.
    var refetchQueued = false
    var waiters: [Waiter] = []
    var lastError: String?
    var keyCount = 0
  }

  let config: JWTIssuerConfig
  let settings: IssuerSettings
  /// The claims `JWTAuthenticator.grant` reads (the user claim and the claim headers' claims)
  /// and those the rest of the configuration reads (`extraClaims`: `require`, the assertion):
  /// the validator decodes only these into `VerifiedToken.claims`.
  let keptClaims: ClaimSelection
  private let inner: Mutex<Inner>
  /// The current set's generation and how long it may be used, for the lock-free check of a
  /// repeated token (`JWTAuthenticator`'s `RepeatedTokenCache`); published by `finish`, the only
  /// place the set or its last success changes.
  let stamp = KeySetStamp()

  init(config: JWTIssuerConfig, extraClaims: [String] = [], seed: UInt64? = nil) {
    self.config = config
    self.settings = config.issuerSettings()
    var kept = [config.userClaim]
    for name in config.claimHeaders.map(\.claim) + [config.sessionClaim].compactMap({ $0 }) + extraClaims
    where !kept.contains(name) {
      kept.append(name)
    }
    self.keptClaims = .only(kept)
    self.inner = Mutex(Inner(cache: JWKSCache(settings: config.cacheSettings(), seed: seed)))
  }

  var name: String { config.issuer }

  /// The key set to verify with now (nil before the first success or after `max_stale`).
  func keys(nowMs: Int64) -> KeySet? {
    inner.withLock { $0.cache.currentKeys(now: nowMs) }
  }

  /// What `requestRefetch` tells the request that asked.
  enum RefetchAnswer: Equatable {
    /// `waiter` will be called after a fetch; `started`: this request started it (wake the fetcher).
    case waiting(started: Bool)
    /// The usable key set changed since the request looked (a fetch finished in between):
    /// validate again now with the current keys, without waiting.
    case retryNow
    /// Rate-limited (`refetch_interval`): fail the request at once.
    case refused
  }

  /// A request met an unknown `kid` (or found no keys) under the key set of generation
  /// `sawGeneration` (nil: it found none). The check and the queueing happen under one lock, so a
  /// fetch that finishes between the request's look at the keys and this call is never mistaken
  /// for "no keys and rate-limited": the request is told to retry with the keys that just came.
  func requestRefetch(nowMs: Int64, sawGeneration: UInt64?, waiter: @escaping Waiter) -> RefetchAnswer {
    inner.withLock { state in
      if state.cache.currentKeys(now: nowMs)?.generation != sawGeneration { return .retryNow }
      if state.cache.fetchInFlight {
        state.waiters.append(waiter)
        return .waiting(started: false)
      }
      guard state.cache.shouldRefetchForUnknownKid(now: nowMs) else { return .refused }
      state.refetchQueued = true
      state.waiters.append(waiter)
      return .waiting(started: true)
    }
  }

  /// Fetcher thread: true when a fetch must run now (a queued refetch, or the scheduled one).
  func takeDueFetch(nowMs: Int64) -> Bool {
    inner.withLock { state in
      if state.refetchQueued {
        state.refetchQueued = false
        return true
      }
      return state.cache.needsFetch(now: nowMs) && state.cache.beginFetch(now: nowMs)
    }
  }

  /// Fetcher thread: when the next scheduled fetch is due (ms on the monotonic clock).
  func nextFetchAt() -> Int64 {
    inner.withLock { $0.cache.fetchInFlight ? Int64.max : $0.cache.nextFetchAt }
  }

  /// Fetcher thread: feeds the result and returns the outcome plus the waiters to resume.
  func finish(_ result: JWKSCache.FetchResult, nowMs: Int64) -> (JWKSCache.Outcome, [Waiter]) {
    inner.withLock { state in
      let outcome = state.cache.apply(fetchResult: result, now: nowMs)
      let cache = state.cache
      if let keySet = cache.keySet, let lastSuccess = cache.lastSuccess {
        let (until, overflow) = lastSuccess.addingReportingOverflow(cache.settings.maxStale)
        stamp.publish(generation: keySet.generation, usableUntilMs: overflow ? Int64.max : until)
      } else {
        stamp.publish(generation: nil, usableUntilMs: Int64.min)
      }
      switch outcome {
      case .replaced(let set, _), .unchanged(let set, _):
        state.lastError = nil
        state.keyCount = set.count
      case .failed(let reason, _):
        state.lastError = reason
      }
      let waiters = state.waiters
      state.waiters = []
      return (outcome, waiters)
    }
  }

  /// Nil when the issuer has usable keys; otherwise why not (for `/readyz`).
  func readinessProblem(nowMs: Int64) -> String? {
    inner.withLock { state in
      if state.cache.isReady(now: nowMs) { return nil }
      if state.cache.lastSuccess != nil { return "key set older than max_stale: \(state.lastError ?? "")" }
      return state.lastError.map { "no keys yet: \($0)" } ?? "no keys yet (first fetch pending)"
    }
  }

  /// Seconds since the last successful fetch (nil before one) and the keys loaded, for metrics.
  func stats(nowMs: Int64) -> (ageSeconds: Double?, keys: Int) {
    inner.withLock { state in
      (state.cache.lastSuccess.map { Double(nowMs - $0) / 1000 }, state.keyCount)
    }
  }

  /// What the dashboard shows of this issuer now.
  func status(nowMs: Int64) -> IssuerStatus {
    inner.withLock { state in
      let cache = state.cache
      let lastFetch: String
      if let error = state.lastError {
        lastFetch = "failed: \(error)"
      } else {
        lastFetch = cache.lastSuccess == nil ? "pending" : "ok"
      }
      return IssuerStatus(
        name: name, keys: state.keyCount, usable: cache.isReady(now: nowMs),
        keySetAgeSeconds: cache.lastSuccess.map { Double(nowMs - $0) / 1000 }, lastFetch: lastFetch,
        nextRefreshSeconds: cache.fetchInFlight ? 0 : Double(max(0, cache.nextFetchAt - nowMs)) / 1000)
    }
  }
}
