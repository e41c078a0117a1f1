import XCTest

@testable import Sessions

final class RedisClusterRedirectTests: XCTestCase {
  func testParsesRedirectsAndLeavesOtherErrorsAlone() {
    let a = RedisAddress(host: "10.0.0.7", port: 7001)!
    let same = RedisAddress(host: "127.0.0.1", port: 6380)!
    let v6 = RedisAddress(host: "::1", port: 7002)!
    let cases: [(name: String, message: String, expected: RedisClusterRedirect?)] = [
      ("moved", "MOVED 3999 10.0.0.7:7001", .moved(slot: 3999, to: a)),
      ("ask", "ASK 0 10.0.0.7:7001", .ask(slot: 0, to: a)),
      ("empty host is the asked host", "MOVED 16383 :6380", .moved(slot: 16383, to: same)),
      ("ipv6 host", "MOVED 1 ::1:7002", .moved(slot: 1, to: v6)),
      ("bracketed ipv6 host", "ASK 1 [::1]:7002", .ask(slot: 1, to: v6)),
      ("tryagain", "TRYAGAIN Multiple keys request during rehashing of slot", .tryAgain),
      ("clusterdown", "CLUSTERDOWN The cluster is down", .clusterDown),
      ("slot out of range", "MOVED 16384 10.0.0.7:7001", nil),
      ("negative slot", "MOVED -1 10.0.0.7:7001", nil),
      ("no port", "MOVED 1 10.0.0.7", nil),
      ("bad port", "MOVED 1 10.0.0.7:0", nil),
      ("host name (never resolved on the loop)", "MOVED 1 redis-a:7001", nil),
      ("missing address", "ASK 12", nil),
      ("extra words", "MOVED 1 10.0.0.7:7001 x", nil),
      ("lowercase is not a redirect", "moved 1 10.0.0.7:7001", nil),
      ("other error", "NOSCRIPT No matching script", nil),
      ("empty", "", nil),
    ]
    for c in cases {
      XCTAssertEqual(RedisClusterRedirect(message: c.message, askedHost: "127.0.0.1"), c.expected, c.name)
    }
  }
}
