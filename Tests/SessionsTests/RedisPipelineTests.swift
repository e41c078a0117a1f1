import EventLoop
import Foundation
import XCTest

@testable import Sessions

/// How `RedisAdapter` batches and answers commands, against a real `redis-server`: pipelined
/// groups answered once, and a reply already in the socket when its deadline passes.
final class RedisPipelineTests: XCTestCase {
  private var server: RedisServerProcess!
  private var clock: ManualClock!
  private var harness: RedisLoopThread!
  private var connection: Unchecked<RedisConnection>!

  override func setUpWithError() throws {
    server = try RedisServerProcess()
    try server.start()
    clock = ManualClock()
    harness = try RedisLoopThread(clock: clock)
    var options = RedisConnectionOptions()
    options.commandTimeout = 2_000_000_000
    options.connectTimeout = 60_000_000_000
    options.watchdogLimit = 600_000_000_000
    let address = RedisAddress(host: "127.0.0.1", port: server.port)!
    let loop = harness.loop
    connection = harness.sync {
      let connection = RedisConnection(loop: loop, address: address, options: options)
      connection.start()
      return Unchecked(connection)
    }
    let ready = waitUntil(15) { harness.sync { self.connection.value.isReady } }
    XCTAssertTrue(ready, "connection not ready")
  }

  override func tearDown() {
    let connection = self.connection
    harness.sync { connection?.value.close() }
    harness.shutdown()
    server.stop()
  }

  private func words(_ text: String...) -> [[UInt8]] { text.map { Array($0.utf8) } }

  private func pipelined(_ commands: [[[UInt8]]]) -> Result<RedisReply, RedisError>? {
    let connection = self.connection!
    return harness.await(15) { done in connection.value.send(pipelined: commands) { done($0) } }
  }

  func testPipelinedGroupAnswersOnceWithEveryReplyInOrder() {
    let b = { (s: String) in Array(s.utf8) }
    let cases: [(name: String, commands: [[[UInt8]]], expected: Result<RedisReply, RedisError>)] = [
      (
        "three replies of three types",
        [words("SET", "k", "v"), words("GET", "k"), words("INCRBY", "n", "7")],
        .success(.array([.status(b("OK")), .bulk(b("v")), .integer(7)]))
      ),
      ("one command", [words("GET", "missing")], .success(.array([.null]))),
      (
        "an error reply in the middle fails the group; the commands after it still ran",
        [words("SET", "a", "1"), words("INCR", "k"), words("SET", "b", "2")],
        .failure(.server("ERR value is not an integer or out of range"))
      ),
      (
        "the group after it: FIFO intact", [words("GET", "a"), words("GET", "b")],
        .success(.array([.bulk(b("1")), .bulk(b("2"))]))
      ),
    ]
    for c in cases {
      XCTAssertEqual(pipelined(c.commands), c.expected, c.name)
    }
  }

  /// The loop was busy while Redis answered, and the reply is larger than hiredis' one 16 KiB
  /// read: when the deadline timer fires, the adapter reads the rest first instead of
  /// reporting a timeout for an answer that is already here.
  func testReplyAlreadyInTheSocketWhenTheDeadlinePassesIsNotATimeout() throws {
    let value = [UInt8](repeating: 0x61, count: 60_000)
    let connection = self.connection!
    let set = harness.await(15) { done in
      connection.value.send([Array("SET".utf8), Array("big".utf8), value]) { done($0) }
    }
    XCTAssertEqual(set, .success(.status(Array("OK".utf8))), "SET big")
    _ = try server.cli(["CONFIG", "RESETSTAT"])
    let answer = Unchecked<Result<RedisReply, RedisError>?>(nil)  // loop thread only
    let get = [Array("GET".utf8), Array("big".utf8)]
    let loopHeld = DispatchSemaphore(value: 0)
    let release = DispatchSemaphore(value: 0)
    // The GET leaves at the end of this task's loop iteration; the next task holds the loop.
    harness.sync { connection.value.send(get, timeout: 10_000_000) { answer.value = $0 } }
    harness.loop.execute {
      loopHeld.signal()
      release.wait()
    }
    loopHeld.wait()
    let answered = waitUntil(15) {
      ((try? server.cli(["INFO", "commandstats"])) ?? "").contains("cmdstat_get:calls=1,")
    }
    XCTAssertTrue(answered, "Redis ran the GET while the loop was held")
    clock.advance(by: 20_000_000)  // past the GET's deadline
    release.signal()
    let completed = waitUntil(15) { harness.sync { answer.value != nil } }
    XCTAssertTrue(completed, "the GET completed")
    let result = harness.sync { answer.value }
    XCTAssertEqual(errorKind(result), "ok", "the reply, not a timeout")
    XCTAssertEqual(result.flatMap { try? $0.get() }?.bytes?.count, value.count, "the whole value")
  }
}
