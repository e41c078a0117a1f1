import JWT
import XCTest

/// Drives `JWKSCache` with a fake clock (milliseconds) and fake fetch results.
final class JWKSCacheTests: XCTestCase {
  let body = Fixtures.jwksBody
  let minute: Int64 = 60_000

  func makeCache() -> JWKSCache { JWKSCache(seed: 42) }

  /// Brings a fresh cache to "has keys" at `now`.
  func loaded(now: Int64 = 0, maxAge: Int64? = nil) -> JWKSCache {
    var cache = makeCache()
    XCTAssertTrue(cache.beginFetch(now: now))
    cache.apply(fetchResult: .success(body: body, cacheControlMaxAge: maxAge), now: now)
    return cache
  }

  func testStartsEmptyAndDueAtOnce() {
    var cache = makeCache()
    XCTAssertFalse(cache.isReady(now: 0))
    XCTAssertTrue(cache.needsFetch(now: 0))
    XCTAssertTrue(cache.beginFetch(now: 0))
    XCTAssertFalse(cache.beginFetch(now: 0), "single flight")
    XCTAssertFalse(cache.needsFetch(now: 0), "in flight")
    guard
      case .replaced(let set, let skipped) = cache.apply(
        fetchResult: .success(body: body, cacheControlMaxAge: nil), now: 0)
    else { return XCTFail("first success must replace") }
    XCTAssertEqual(set.count, 3)
    XCTAssertEqual(skipped.count, 1, "small key skipped")
    XCTAssertTrue(cache.isReady(now: 0))
    XCTAssertTrue(cache.currentKeys(now: 0) === set)
  }

  func testCacheControlClampingAndRefreshAhead() {
    let cases: [(name: String, maxAge: Int64?, ttl: Int64)] = [
      ("absent: refresh interval 10 min", nil, 10 * minute),
      ("within bounds", 3_600, 60 * minute),
      ("below minimum", 5, 1 * minute),
      ("zero", 0, 1 * minute),
      ("above maximum", 7 * 86_400, 24 * 60 * minute),
      ("absurd", Int64.max, 24 * 60 * minute),
    ]
    for c in cases {
      let cache = loaded(now: 1_000, maxAge: c.maxAge)
      XCTAssertEqual(cache.expiresAt, 1_000 + c.ttl, c.name)
      // Refresh is due 30 s before expiry (at most half the TTL).
      XCTAssertEqual(cache.nextFetchAt, 1_000 + c.ttl - min(30_000, c.ttl / 2), c.name)
      XCTAssertFalse(cache.needsFetch(now: cache.nextFetchAt - 1), "\(c.name): not yet due")
      XCTAssertTrue(cache.needsFetch(now: cache.nextFetchAt), "\(c.name): due ahead of expiry")
    }
  }

  func testRefreshWithSameKeysKeepsGeneration() {
    var cache = loaded()
    let first = cache.keySet!
    XCTAssertTrue(cache.beginFetch(now: 10 * minute))
    guard
      case .unchanged(let set, _) = cache.apply(
        fetchResult: .success(body: body, cacheControlMaxAge: nil), now: 10 * minute)
    else { return XCTFail("same document must be unchanged") }
    XCTAssertTrue(set === first)
    XCTAssertEqual(cache.lastSuccess, 10 * minute)
  }

  func testRotationReplacesWholeSet() {
    var cache = loaded()
    let first = cache.keySet!
    // The issuer drops k1: tokens signed by k1 must stop verifying.
    let document = try! JSONParser.parse(body)
    guard case .array(let keys)? = document["keys"] else { return XCTFail("fixture") }
    let rotated = Array(JSONValue.object(["keys": .array(Array(keys.dropFirst()))]).description.utf8)
    XCTAssertTrue(cache.beginFetch(now: minute))
    guard
      case .replaced(let set, _) = cache.apply(
        fetchResult: .success(body: rotated, cacheControlMaxAge: nil), now: minute)
    else { return XCTFail("rotation must replace") }
    XCTAssertNil(set.key(kid: "k1"))
    XCTAssertNotNil(set.key(kid: "k2"))
    XCTAssertNotEqual(set.generation, first.generation)
  }

  func testStaleServingUntilMaxStaleThenNotReady() {
    var cache = loaded(now: 0)
    let good = cache.keySet!
    var now: Int64 = 10 * minute
    let failures: [JWKSCache.FetchResult] = [
      .failure(reason: "connection refused"),
      .success(body: Array("<html>oops</html>".utf8), cacheControlMaxAge: nil),
      .success(body: Array(#"{"keys":[{"kty":"EC"}]}"#.utf8), cacheControlMaxAge: nil),
    ]
    for (index, result) in failures.enumerated() {
      XCTAssertTrue(cache.beginFetch(now: now), "attempt \(index)")
      guard case .failed = cache.apply(fetchResult: result, now: now) else {
        return XCTFail("attempt \(index)")
      }
      XCTAssertTrue(cache.currentKeys(now: now) === good, "attempt \(index): last good set still served")
      now += minute
    }
    XCTAssertTrue(cache.isReady(now: 24 * 60 * minute), "exactly max_stale after the last success")
    XCTAssertFalse(cache.isReady(now: 24 * 60 * minute + 1), "past max_stale")
    XCTAssertNil(cache.currentKeys(now: 24 * 60 * minute + 1))
    // Recovery.
    XCTAssertTrue(cache.beginFetch(now: 25 * 60 * minute))
    cache.apply(fetchResult: .success(body: body, cacheControlMaxAge: nil), now: 25 * 60 * minute)
    XCTAssertTrue(cache.isReady(now: 25 * 60 * minute))
    XCTAssertEqual(cache.consecutiveFailures, 0)
  }

  func testBackoffGrowsWithJitterUpToCap() {
    var cache = makeCache()
    var now: Int64 = 0
    var previousBase: Int64 = 0
    for attempt in 1...15 {
      XCTAssertTrue(cache.beginFetch(now: now), "attempt \(attempt)")
      guard case .failed(_, let retryAt) = cache.apply(fetchResult: .failure(reason: "down"), now: now) else {
        return XCTFail("attempt \(attempt)")
      }
      let base: Int64 = min(300_000, Int64(1_000) << Int64(attempt - 1))
      let delay = retryAt - now
      XCTAssertGreaterThanOrEqual(delay, base - base / 2, "attempt \(attempt): at least half the base")
      XCTAssertLessThanOrEqual(delay, base, "attempt \(attempt): at most the base")
      XCTAssertGreaterThanOrEqual(base, previousBase, "attempt \(attempt)")
      XCTAssertFalse(cache.needsFetch(now: retryAt - 1), "attempt \(attempt): waits")
      XCTAssertTrue(cache.needsFetch(now: retryAt), "attempt \(attempt): due")
      previousBase = base
      now = retryAt
    }
    XCTAssertFalse(cache.isReady(now: now), "never succeeded")
  }

  func testJitterSpreadsRetries() {
    var delays = Set<Int64>()
    for seed in 0..<20 {
      var cache = JWKSCache(seed: UInt64(seed))
      _ = cache.beginFetch(now: 0)
      for _ in 0..<5 { cache.apply(fetchResult: .failure(reason: "down"), now: 0) }
      delays.insert(cache.nextFetchAt)
    }
    XCTAssertGreaterThan(delays.count, 10, "20 sidecars should not retry in lock-step")
  }

  func testUnknownKidRefetchIsRateLimitedAndSingleFlight() {
    var cache = loaded(now: 0)
    // A flood of unknown kids: one request every 120 ms for 2 minutes (1000 requests).
    var granted: [Int64] = []
    var now: Int64 = 120
    while now < 2 * minute {
      if cache.shouldRefetchForUnknownKid(now: now) {
        granted.append(now)
        XCTAssertFalse(cache.shouldRefetchForUnknownKid(now: now), "single flight at \(now)")
        XCTAssertFalse(cache.beginFetch(now: now), "no scheduled fetch beside it at \(now)")
        // The fetch takes 2 s and fails (issuer unreachable).
        cache.apply(fetchResult: .failure(reason: "timeout"), now: now + 2_000)
      }
      now += 120
    }
    // The initial fetch started at 0, so the first refetch is allowed at 30 s, then every 30 s.
    XCTAssertEqual(granted, [30_000, 60_000, 90_000], "at most one refetch per 30 s")
    XCTAssertTrue(cache.isReady(now: now), "failed refetches keep the good set")
  }

  func testUnknownKidRefetchPicksUpRotatedKey() throws {
    // The issuer starts with k1 only, then publishes k2 and signs with it.
    let document = try JSONParser.parse(body)
    guard case .array(let keys)? = document["keys"] else { return XCTFail("fixture") }
    let onlyK1 = Array(JSONValue.object(["keys": .array([keys[0]])]).description.utf8)
    var cache = makeCache()
    XCTAssertTrue(cache.beginFetch(now: 0))
    cache.apply(fetchResult: .success(body: onlyK1, cacheControlMaxAge: nil), now: 0)
    let settings = Fixtures.settings()
    let token = Substring(Fixtures.token("good_k2"))
    let before = JWTValidator.validate(
      token: token, keys: cache.currentKeys(now: 40_000)!, settings: settings, now: Fixtures.now)
    guard case .failure(let error) = before, error.kind == .unknownKid else {
      return XCTFail("k2 unknown at first")
    }
    XCTAssertTrue(cache.shouldRefetchForUnknownKid(now: 40_000))
    cache.apply(fetchResult: .success(body: body, cacheControlMaxAge: nil), now: 40_500)
    let after = JWTValidator.validate(
      token: token, keys: cache.currentKeys(now: 40_500)!, settings: settings, now: Fixtures.now)
    XCTAssertNoThrow(try after.get(), "k2 verifies after the refetch")
    XCTAssertFalse(cache.shouldRefetchForUnknownKid(now: 60_000), "30 s since the last fetch started")
    XCTAssertTrue(cache.shouldRefetchForUnknownKid(now: 70_000))
  }
}
