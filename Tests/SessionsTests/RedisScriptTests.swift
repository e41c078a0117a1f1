import Foundation
import XCTest

@testable import Sessions

final class RedisScriptTests: RedisTestCase {
  func testSHA1MatchesKnownVectors() {
    let cases: [(name: String, input: String, hex: String)] = [
      ("empty", "", "da39a3ee5e6b4b0d3255bfef95601890afd80709"),
      ("abc", "abc", "a9993e364706816aba3e25717850c26c9cd0d89d"),
      (
        "two blocks", "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
        "84983e441c3bd26ebaae4aa1f95129e5e54670f1"
      ),
      (
        "55 bytes (padding edge)", String(repeating: "a", count: 55),
        "c1c8bbdc22796e28c0e15163d20899b65621d65a"
      ),
      ("64 bytes", String(repeating: "a", count: 64), "0098ba824b5c16427bd7a1122a5a442a25ec644d"),
    ]
    for c in cases { XCTAssertEqual(RedisScript(c.input).sha1, c.hex, c.name) }
  }

  func testEvalshaFallsBackToEvalAfterScriptFlush() throws {
    let server = try startServer()
    let connection = self.connection(port: server.port)
    waitReady(connection, "script")
    let script = RedisScript("return {KEYS[1], ARGV[1], redis.call('INCR', KEYS[1])}")
    let run = { () -> Result<RedisReply, RedisError>? in
      self.harness.await(15) { done in
        connection.value.run(script, keys: [Array("counter".utf8)], args: [[0, 1, 2]]) { done($0) }
      }
    }
    let b = { (s: String) in Array(s.utf8) }
    let cases: [(name: String, before: [String]?, expectedCount: Int64)] = [
      ("not cached yet: NOSCRIPT then EVAL", nil, 1),
      ("cached: EVALSHA", nil, 2),
      ("after SCRIPT FLUSH: EVAL again", ["SCRIPT", "FLUSH"], 3),
    ]
    for c in cases {
      if let before = c.before { try server.cli(before) }
      XCTAssertEqual(
        run(), .success(.array([.bulk(b("counter")), .bulk([0, 1, 2]), .integer(c.expectedCount)])), c.name)
    }
    XCTAssertEqual(try server.cli(["SCRIPT", "EXISTS", script.sha1]), "1", "the local SHA-1 is Redis' name")
  }

  func testScriptErrorIsAServerError() throws {
    let server = try startServer()
    let connection = self.connection(port: server.port)
    waitReady(connection, "script error")
    let result = harness.await(15) { done in
      connection.value.run(RedisScript("return redis.error_reply('nope')"), keys: [], args: []) { done($0) }
    }
    XCTAssertEqual(result, .failure(.server("ERR nope")), "script error reply")
  }
}
