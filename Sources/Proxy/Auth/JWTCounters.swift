import Synchronization

/// Process-wide JWT counters until the `gatehouse_` Prometheus families land on main:
/// validations by result, verified-token cache hits and misses, JWKS fetches by issuer and
/// result. Thread-safe: atomics for the per-request counts, a `Mutex` for the rarer labelled ones.
public final class JWTCounters: Sendable {
  /// Successful validations.
  let validOK = Atomic<Int>(0)
  let cacheHits = Atomic<Int>(0)
  let cacheMisses = Atomic<Int>(0)
  private let failures = Mutex<[String: Int]>([:])
  private let fetches = Mutex<[String: Int]>([:])

  init() {}

  func failed(_ kind: String) { failures.withLock { $0[kind, default: 0] += 1 } }

  func fetched(issuer: String, ok: Bool) {
    fetches.withLock { $0["\(issuer)|\(ok ? "success" : "failure")", default: 0] += 1 }
  }

  /// `gatehouse_jwt_validations_total{result}`: "ok" plus one entry per failure kind seen.
  public var validations: [String: Int] {
    var out = failures.withLock { $0 }
    out["ok"] = validOK.load(ordering: .relaxed)
    return out
  }

  /// `gatehouse_jwt_cache_total{result="hit|miss"}`.
  public var cache: (hits: Int, misses: Int) {
    (cacheHits.load(ordering: .relaxed), cacheMisses.load(ordering: .relaxed))
  }

  /// `gatehouse_jwks_fetches_total{issuer,result}`, keyed "issuer|success" / "issuer|failure".
  public var jwksFetches: [String: Int] { fetches.withLock { $0 } }
}
