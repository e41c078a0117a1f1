import XCTest

@testable import Proxy

final class TrafficHistoryTests: XCTestCase {
  /// A cumulative reading: `ok` 2xx and `failed` 5xx answers so far, all `ok` within 1 ms and
  /// the failures within 100 ms; `logins` so far.
  private func reading(
    ok: Double, failed: Double = 0, logins: Double = 0, hits: Double = 0, misses: Double = 0
  )
    -> TrafficReading
  {
    TrafficReading(
      byClass: [0, ok, 0, 0, failed],
      latency: CumulativeHistogram(buckets: [(0.001, ok), (0.1, ok + failed), (.infinity, ok + failed)]),
      logins: logins, cacheHits: hits, cacheMisses: misses)
  }

  func testPerSecondSamplesFromCumulativeReadings() {
    var history = TrafficHistory()
    history.record(reading(ok: 100), at: 50)
    XCTAssertEqual(history.samples(.requests), [], "the first reading is only the baseline")
    XCTAssertNil(history.rates(lastSeconds: 10))
    history.record(reading(ok: 110), at: 51)
    history.record(reading(ok: 130, failed: 10), at: 52)
    history.record(reading(ok: 130, failed: 10), at: 53)
    // The sampler missed second 54: the rate over the two seconds is spread, 54 stays a gap.
    history.record(reading(ok: 150, failed: 10), at: 55)
    XCTAssertEqual(history.samples(.requests), [10, 30, 0, nil, 10])
    XCTAssertEqual(history.samples(.status2xx), [10, 20, 0, nil, 10])
    XCTAssertEqual(history.samples(.status5xx), [0, 10, 0, nil, 0])
    let p50 = history.samples(.p50)
    XCTAssertEqual(p50[0]!, 0.5, accuracy: 1e-9, "ms: half of the first 1 ms bucket")
    XCTAssertNil(p50[2], "no requests in second 53: no latency, not 0")
    let p99 = history.samples(.p99)
    XCTAssertGreaterThan(p99[1]!, 1, "a third of second 52's requests took up to 100 ms")
    XCTAssertEqual(history.samples(.p50).count, history.samples(.requests).count)
  }

  func testWindowedRatesAndCountsOverTheLastSeconds() {
    var history = TrafficHistory()
    for second in 0...100 {
      history.record(reading(ok: Double(second * 5), logins: Double(second / 10)), at: Int64(second))
    }
    let rates = history.rates(lastSeconds: 10)!
    XCTAssertEqual(rates.requests, 5, accuracy: 1e-9)
    XCTAssertEqual(rates.byClass[1], 5, accuracy: 1e-9)
    let minute = history.window(lastSeconds: 60)!
    XCTAssertEqual(minute.seconds, 60)
    XCTAssertEqual(minute.newest.logins - minute.earlier.logins, 6)
    XCTAssertEqual(history.window(lastSeconds: 1000)!.seconds, 60, "readings are kept for a minute")
    XCTAssertEqual(history.samples(.requests).count, 100)
  }

  func testSparklinesKeepFiveMinutes() {
    var history = TrafficHistory()
    for second in 0...1000 { history.record(reading(ok: Double(second)), at: Int64(second)) }
    XCTAssertEqual(history.samples(.requests).count, TrafficHistory.seconds)
    XCTAssertEqual(TrafficHistory.seconds, 300)
  }

  func testCacheHitRateAndStoreP99OverTheLastMinute() {
    var history = TrafficHistory()
    XCTAssertNil(history.cacheHitRateMinute)
    history.record(reading(ok: 0, hits: 0, misses: 0), at: 0)
    history.record(reading(ok: 0, hits: 90, misses: 10), at: 30)
    XCTAssertEqual(history.cacheHitRateMinute!, 0.9, accuracy: 1e-9)
    history.record(reading(ok: 0, hits: 90, misses: 10), at: 200)
    XCTAssertNil(history.cacheHitRateMinute, "no lookups in the last minute")
    XCTAssertNil(history.storeP99Minute, "no store latency with the memory store")
  }
}
