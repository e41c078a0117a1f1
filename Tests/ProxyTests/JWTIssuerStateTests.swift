import Config
import Foundation
import JWT
import XCTest

@testable import Proxy

/// The refetch hand-off between loop threads and the fetcher thread, driven by hand: each call
/// below is one side's step, in the interleaving a loaded machine can produce.
final class JWTIssuerStateTests: XCTestCase {
  private static let jwks = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("../IntegrationTests/Fixtures/jwt/jwks_k1.json").standardized

  private func issuer() -> JWTIssuerState {
    JWTIssuerState(
      config: JWTIssuerConfig(
        issuer: "https://login.example.com/", audiences: ["api.example.com"], source: .file("/unused"),
        refetchInterval: .seconds(30)),
      seed: 1)
  }

  private func firstFetch(_ state: JWTIssuerState, at now: Int64) throws {
    XCTAssertTrue(state.takeDueFetch(nowMs: now), "the first fetch is due at start")
    let body = try [UInt8](Data(contentsOf: Self.jwks))
    let (outcome, _) = state.finish(.success(body: body, cacheControlMaxAge: nil), nowMs: now)
    guard case .replaced = outcome else { return XCTFail("first fetch: \(outcome)") }
  }

  /// A request saw no keys, then the first fetch finished before it asked for a refetch. It must
  /// validate again with the keys that just came — not be refused as rate-limited (the fetch
  /// that just ran counts against `refetch_interval`), and not wait for a fetch nobody runs.
  func testFetchFinishingBetweenLookAndAskMeansRetryNotRefusal() throws {
    let state = issuer()
    XCTAssertNil(state.keys(nowMs: 1_000), "the request looks: no keys yet")
    try firstFetch(state, at: 1_001)
    XCTAssertEqual(state.requestRefetch(nowMs: 1_002, sawGeneration: nil) {}, .retryNow)
    XCTAssertNotNil(state.keys(nowMs: 1_002))
    let (_, waiters) = state.finish(.failure(reason: "later"), nowMs: 1_003)
    XCTAssertTrue(waiters.isEmpty, "a retrying request is not queued")
  }

  /// The same for an unknown `kid`: a set replaced since the request's look is tried first.
  func testUnknownKidUnderAnOlderSetRetriesWithTheNewOne() throws {
    let state = issuer()
    try firstFetch(state, at: 1_000)
    let seen = try XCTUnwrap(state.keys(nowMs: 1_000)).generation
    XCTAssertEqual(
      state.requestRefetch(nowMs: 1_001, sawGeneration: seen) {}, .refused, "inside refetch_interval")
    XCTAssertEqual(state.requestRefetch(nowMs: 40_000, sawGeneration: seen + 999) {}, .retryNow)
  }

  /// Unchanged keys: the first request past `refetch_interval` starts a refetch, the next joins
  /// it, both are resumed when it finishes; inside the interval the request is refused.
  func testRefetchIsSingleFlightAndRateLimited() throws {
    let state = issuer()
    try firstFetch(state, at: 1_000)
    let seen = try XCTUnwrap(state.keys(nowMs: 1_000)).generation
    XCTAssertEqual(state.requestRefetch(nowMs: 2_000, sawGeneration: seen) {}, .refused)
    XCTAssertEqual(state.requestRefetch(nowMs: 31_001, sawGeneration: seen) {}, .waiting(started: true))
    XCTAssertEqual(state.requestRefetch(nowMs: 31_002, sawGeneration: seen) {}, .waiting(started: false))
    XCTAssertTrue(state.takeDueFetch(nowMs: 31_003), "the queued refetch runs")
    let body = try [UInt8](Data(contentsOf: Self.jwks))
    let (outcome, waiters) = state.finish(.success(body: body, cacheControlMaxAge: nil), nowMs: 31_004)
    guard case .unchanged = outcome else { return XCTFail("same document: \(outcome)") }
    XCTAssertEqual(waiters.count, 2)
    XCTAssertEqual(state.keys(nowMs: 31_004)?.generation, seen, "an unchanged set keeps its generation")
  }
}
