import XCTest

@testable import Sessions

final class RedisClusterStepTests: XCTestCase {
  func testRedirectAndRetryRules() {
    let ms: UInt64 = 1_000_000
    var options = RedisClusterOptions()
    options.maxRedirects = 2
    options.retryBase = 10 * ms
    let b = RedisAddress(host: "127.0.0.1", port: 7002)!
    let ok: Result<RedisReply, RedisError> = .success(.integer(1))
    func server(_ text: String) -> Result<RedisReply, RedisError> { .failure(.server(text)) }
    let cases:
      [(
        name: String, result: Result<RedisReply, RedisError>, redirects: Int, retries: Int, remaining: UInt64,
        expected: RedisClusterStep
      )] = [
        ("a reply", ok, 0, 0, 50 * ms, .finish),
        (
          "moved", server("MOVED 5 127.0.0.1:7002"), 0, 0, 50 * ms,
          .redirect(to: b, asking: false, refresh: true)
        ),
        (
          "moved, hops used up: back off and ask the refreshed map", server("MOVED 5 127.0.0.1:7002"), 2, 0,
          50 * ms, .retry(after: 10 * ms, refresh: true)
        ),
        ("moved, hops used up past the deadline", server("MOVED 5 127.0.0.1:7002"), 2, 3, 50 * ms, .finish),
        (
          "ask", server("ASK 5 127.0.0.1:7002"), 1, 0, 50 * ms, .redirect(to: b, asking: true, refresh: false)
        ),
        ("ask, hops used up", server("ASK 5 127.0.0.1:7002"), 2, 0, 50 * ms, .finish),
        (
          "ask with an empty host", server("ASK 5 :7002"), 0, 0, 50 * ms,
          .redirect(to: b, asking: true, refresh: false)
        ),
        ("tryagain", server("TRYAGAIN x"), 0, 0, 50 * ms, .retry(after: 10 * ms, refresh: false)),
        ("tryagain doubles", server("TRYAGAIN x"), 0, 2, 50 * ms, .retry(after: 40 * ms, refresh: false)),
        ("tryagain past the deadline", server("TRYAGAIN x"), 0, 3, 50 * ms, .finish),
        ("clusterdown", server("CLUSTERDOWN x"), 0, 0, 50 * ms, .retry(after: 10 * ms, refresh: true)),
        ("clusterdown past the deadline", server("CLUSTERDOWN x"), 0, 0, 5 * ms, .finishAndRefresh),
        (
          "demoted master", server("READONLY You can't write against a read only replica."), 0, 0, 50 * ms,
          .finishAndRefresh
        ),
        ("loading replica", server("LOADING Redis is loading"), 0, 0, 50 * ms, .finishAndRefresh),
        (
          "replica without master", server("MASTERDOWN Link with MASTER is down"), 0, 0, 50 * ms,
          .finishAndRefresh
        ),
        ("script error", server("ERR Error running script"), 0, 0, 50 * ms, .finish),
        ("noscript is the script layer's", server("NOSCRIPT No matching script"), 0, 0, 50 * ms, .finish),
        ("disconnected", .failure(.disconnected), 0, 0, 50 * ms, .finishAndRefresh),
        ("connect failed", .failure(.connectFailed("x")), 0, 0, 50 * ms, .finishAndRefresh),
        ("timeout", .failure(.timeout), 0, 0, 0, .finish),
        ("overloaded", .failure(.overloaded), 0, 0, 50 * ms, .finish),
      ]
    for c in cases {
      let step = RedisClusterStep.after(
        c.result, askedHost: "127.0.0.1", redirects: c.redirects, retries: c.retries, remaining: c.remaining,
        options: options)
      XCTAssertEqual(step, c.expected, c.name)
    }
  }
}
