import EventLoop
import Foundation
import XCTest

@testable import Sessions

/// `RedisConnection` and `RedisAdapter` against real `redis-server` processes.
/// "ok", the error kind, or "none" when the wait timed out: one comparable word per outcome.
func errorKind(_ result: Result<RedisReply, RedisError>?) -> String {
  switch result {
  case .success?: "ok"
  case .failure(let error)?: error.kind.rawValue
  case nil: "none"
  }
}

final class RedisConnectionTests: XCTestCase {
  private var servers: [RedisServerProcess] = []
  private var harness: RedisLoopThread!
  private var connections: [Unchecked<RedisConnection>] = []

  override func setUpWithError() throws {
    harness = try RedisLoopThread()
  }

  override func tearDown() {
    let connections = self.connections
    harness.sync { for c in connections { c.value.close() } }
    harness.shutdown()
    for server in servers { server.stop() }
    servers = []
  }

  private func startServer(port: Int? = nil, extra: [String] = []) throws -> RedisServerProcess {
    let server = try RedisServerProcess(port: port, extra: extra)
    servers.append(server)
    try server.start()
    return server
  }

  /// A started connection to 127.0.0.1:`port`, plus a log of its `onDown` errors.
  private func connect(
    port: Int, _ configure: (inout RedisConnectionOptions) -> Void = { _ in }
  ) -> (Unchecked<RedisConnection>, Unchecked<[RedisError]>) {
    var options = RedisConnectionOptions()
    options.commandTimeout = 2_000_000_000
    options.connectTimeout = 2_000_000_000
    options.reconnectBase = 20_000_000
    options.reconnectCap = 200_000_000
    configure(&options)
    let address = RedisAddress(host: "127.0.0.1", port: port)!
    let downs = Unchecked<[RedisError]>([])
    let loop = harness.loop
    let connection = harness.sync { () -> Unchecked<RedisConnection> in
      let connection = RedisConnection(loop: loop, address: address, options: options)
      connection.onDown = { _, error in downs.value.append(error) }
      connection.start()
      return Unchecked(connection)
    }
    connections.append(connection)
    return (connection, downs)
  }

  private func send(
    _ connection: Unchecked<RedisConnection>, _ args: [[UInt8]], timeout: UInt64? = nil,
    wait: TimeInterval = 15
  ) -> Result<RedisReply, RedisError>? {
    harness.await(wait) { done in connection.value.send(args, timeout: timeout) { done($0) } }
  }

  private func send(_ connection: Unchecked<RedisConnection>, _ words: String...) -> Result<
    RedisReply, RedisError
  >? {
    send(connection, words.map { Array($0.utf8) })
  }

  private func waitReady(_ connection: Unchecked<RedisConnection>, _ name: String, timeout: TimeInterval = 15)
  {
    let ready = waitUntil(timeout) { harness.sync { connection.value.isReady } }
    XCTAssertTrue(ready, "\(name): connection not ready within \(timeout) s")
  }

  func testRepliesOfEveryTypeRoundTrip() throws {
    let server = try startServer()
    let (connection, _) = connect(port: server.port)
    waitReady(connection, "every type")
    let b = { (s: String) in Array(s.utf8) }
    let cases: [(name: String, command: [String], expected: Result<RedisReply, RedisError>)] = [
      ("status", ["SET", "k", "v"], .success(.status(b("OK")))),
      ("bulk", ["GET", "k"], .success(.bulk(b("v")))),
      ("empty bulk", ["SET", "e", ""], .success(.status(b("OK")))),
      ("empty bulk read", ["GET", "e"], .success(.bulk([]))),
      ("nil", ["GET", "missing"], .success(.null)),
      ("integer", ["INCRBY", "n", "-42"], .success(.integer(-42))),
      ("array", ["RPUSH", "l", "a", "b"], .success(.integer(2))),
      ("array read", ["LRANGE", "l", "0", "-1"], .success(.array([.bulk(b("a")), .bulk(b("b"))]))),
      ("empty array", ["LRANGE", "none", "0", "-1"], .success(.array([]))),
      ("server error", ["INCR", "k"], .failure(.server("ERR value is not an integer or out of range"))),
      (
        "unknown command", ["NOPE"],
        .failure(.server("ERR unknown command 'NOPE', with args beginning with: "))
      ),
      (
        "nested with nil and error", ["EVAL", "return {1, 'x', false, redis.error_reply('boom')}", "0"],
        .success(.array([.integer(1), .bulk(b("x")), .null, .error(b("ERR boom"))]))
      ),
    ]
    for c in cases {
      let result = send(connection, c.command.map { Array($0.utf8) })
      XCTAssertEqual(result, c.expected, c.name)
    }
  }

  func testBinarySafeArguments() throws {
    let server = try startServer()
    let (connection, _) = connect(port: server.port)
    waitReady(connection, "binary")
    let cases: [(name: String, key: [UInt8], value: [UInt8])] = [
      ("all byte values", [0, 13, 10, 0x25, 0x73], (0...255).map { UInt8($0) }),
      ("CRLF and NUL only", Array("\r\n".utf8), [0, 0, 13, 10, 0]),
      ("percent format", Array("%s%b%d".utf8), Array("%s %b".utf8)),
      ("large", Array("big".utf8), [UInt8](repeating: 0xAB, count: 300_000)),
      ("empty key", [], [1]),
    ]
    for c in cases {
      XCTAssertEqual(
        send(connection, [Array("SET".utf8), c.key, c.value]), .success(.status(Array("OK".utf8))), c.name)
      XCTAssertEqual(send(connection, [Array("GET".utf8), c.key]), .success(.bulk(c.value)), c.name)
    }
  }

  /// Replies are built in a per-connection arena (16 KiB, then spilled to the heap): replies
  /// larger than it, arrays of many elements, nested arrays, and a small reply after a big one
  /// all read back exactly, and none leaks into the next.
  func testRepliesLargerThanTheReplyArenaReadBackExactly() throws {
    let server = try startServer()
    let (connection, _) = connect(port: server.port)
    waitReady(connection, "arena")
    let b = { (s: String) in Array(s.utf8) }
    let big = (0..<40_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
    let items = (0..<3_000).map { b("item-\($0)") }
    XCTAssertEqual(send(connection, [b("SET"), b("big"), big]), .success(.status(b("OK"))), "set big")
    XCTAssertEqual(send(connection, [b("RPUSH"), b("many")] + items), .success(.integer(3_000)), "push")
    let cases: [(name: String, command: [[UInt8]], expected: RedisReply)] = [
      ("bulk larger than the arena", [b("GET"), b("big")], .bulk(big)),
      ("small after big", [b("ECHO"), b("x")], .bulk(b("x"))),
      ("3,000 elements", [b("LRANGE"), b("many"), b("0"), b("-1")], .array(items.map { .bulk($0) })),
      (
        "nested, with the big value inside",
        [b("EVAL"), b("return {redis.call('GET', 'big'), {1, {'a', false}}}"), b("0")],
        .array([.bulk(big), .array([.integer(1), .array([.bulk(b("a")), .null])])])
      ),
      ("small again", [b("ECHO"), b("y")], .bulk(b("y"))),
    ]
    for c in cases {
      XCTAssertEqual(send(connection, c.command), .success(c.expected), c.name)
    }
    // Pipelined: several replies in one read, each freed before the next is built.
    let replies = harness.await(15) { done in
      var got: [Result<RedisReply, RedisError>] = []
      for command in [[b("GET"), b("big")], [b("ECHO"), b("z")], [b("LLEN"), b("many")]] {
        connection.value.send(command) { result in
          got.append(result)
          if got.count == 3 { done(got) }
        }
      }
    }
    XCTAssertEqual(
      replies, [.success(.bulk(big)), .success(.bulk(b("z"))), .success(.integer(3_000))], "pipelined")
  }

  func testConnectionRefusedThenConnectsWhenTheServerStarts() throws {
    let port = try RedisServerProcess.freePort()
    let (connection, downs) = connect(port: port)
    let refused = waitUntil(10) { harness.sync { downs.value.count >= 2 } }
    XCTAssertTrue(refused, "refused: at least two failed attempts reported")
    let kinds = harness.sync { downs.value.map(\.kind) }
    XCTAssertTrue(
      kinds.allSatisfy { $0 == .connectFailed }, "refused: every failure is connectFailed, got \(kinds)")
    XCTAssertEqual(errorKind(send(connection, "PING")), "disconnected", "refused: send while down")
    _ = try startServer(port: port)
    waitReady(connection, "refused then started")
    XCTAssertEqual(
      send(connection, "PING"), .success(.status(Array("PONG".utf8))), "refused then started: PING")
  }

  func testServerKilledMidCommandFailsPendingAndReconnectsAfterRestart() throws {
    let server = try startServer()
    let (connection, downs) = connect(port: server.port)
    waitReady(connection, "killed")
    let pending = Unchecked<[Result<RedisReply, RedisError>]>([])
    harness.sync {
      for _ in 0..<3 {
        connection.value.send(strings: ["BLPOP", "never", "0"], timeout: 30_000_000_000) {
          pending.value.append($0)
        }
      }
    }
    XCTAssertTrue(
      waitUntil(10) { harness.sync { connection.value.outstanding == 3 } }, "killed: commands in flight")
    server.kill()
    XCTAssertTrue(
      waitUntil(10) { harness.sync { pending.value.count == 3 } }, "killed: pending commands completed")
    XCTAssertEqual(
      harness.sync { pending.value.map(errorKind) }, Array(repeating: "disconnected", count: 3),
      "killed: pending fail disconnected")
    XCTAssertEqual(harness.sync { downs.value.first }, .disconnected, "killed: onDown")
    try server.start()
    waitReady(connection, "killed then restarted")
    XCTAssertEqual(
      send(connection, "PING"), .success(.status(Array("PONG".utf8))), "killed then restarted: PING")
  }

  func testPausedServerTimesOutWithinTheDeadlineThenRecovers() throws {
    let server = try startServer()
    let (connection, _) = connect(port: server.port) { $0.watchdogLimit = 60_000_000_000 }
    waitReady(connection, "paused")
    server.pause()
    defer { server.resume() }
    let start = Date()
    let result = send(connection, [Array("PING".utf8)], timeout: 300_000_000)
    let elapsed = Date().timeIntervalSince(start)
    XCTAssertEqual(errorKind(result), "timeout", "paused: timeout")
    XCTAssertGreaterThanOrEqual(elapsed, 0.29, "paused: not before the deadline")
    XCTAssertLessThan(elapsed, 2.0, "paused: within the deadline plus margin")
    server.resume()
    let recovered = waitUntil(10) {
      (try? send(connection, [Array("PING".utf8)], timeout: 1_000_000_000)?.get())
        == .status(Array("PONG".utf8))
    }
    XCTAssertTrue(recovered, "paused: PING succeeds after SIGCONT")
  }

  func testWatchdogFreesAStuckConnectionAndReconnects() throws {
    let server = try startServer()
    let (connection, downs) = connect(port: server.port) {
      $0.commandTimeout = 200_000_000
      $0.watchdogLimit = 600_000_000
    }
    waitReady(connection, "watchdog")
    server.pause()
    defer { server.resume() }
    XCTAssertEqual(errorKind(send(connection, "PING")), "timeout", "watchdog: command timeout")
    XCTAssertTrue(
      waitUntil(10) { harness.sync { downs.value.contains(.disconnected) } }, "watchdog: connection dropped")
    server.resume()
    waitReady(connection, "watchdog recovered")
    let recovered = waitUntil(10) { (try? send(connection, "PING")?.get()) == .status(Array("PONG".utf8)) }
    XCTAssertTrue(recovered, "watchdog: PING after SIGCONT")
  }

  func testOutstandingCapFailsFastWithOverloaded() throws {
    let server = try startServer()
    let (connection, _) = connect(port: server.port) {
      $0.maxOutstanding = 3
      $0.watchdogLimit = 60_000_000_000
    }
    waitReady(connection, "cap")
    server.pause()
    let results = Unchecked<[Int: Result<RedisReply, RedisError>]>([:])
    harness.sync {
      for i in 0..<5 {
        connection.value.send(strings: ["PING"], timeout: 30_000_000_000) { results.value[i] = $0 }
      }
    }
    XCTAssertTrue(waitUntil(5) { harness.sync { results.value.count == 2 } }, "cap: two failed fast")
    XCTAssertEqual(harness.sync { errorKind(results.value[3]) }, "overloaded", "cap: 4th")
    XCTAssertEqual(harness.sync { errorKind(results.value[4]) }, "overloaded", "cap: 5th")
    server.resume()
    XCTAssertTrue(waitUntil(10) { harness.sync { results.value.count == 5 } }, "cap: the rest answered")
    for i in 0..<3 {
      XCTAssertEqual(
        harness.sync { results.value[i] }, .success(.status(Array("PONG".utf8))), "cap: command \(i)")
    }
  }

  /// Deadlines share one timer per adapter, armed for the earliest: a command sent after
  /// another but due before it times out at its own deadline, the other keeps waiting and is
  /// answered once the server is back.
  func testAnEarlierDeadlineSentLaterTimesOutFirst() throws {
    let server = try startServer()
    let (connection, _) = connect(port: server.port) { $0.watchdogLimit = 60_000_000_000 }
    waitReady(connection, "deadlines")
    server.pause()
    defer { server.resume() }
    let results = Unchecked<[String: Result<RedisReply, RedisError>]>([:])
    harness.sync {
      connection.value.send(strings: ["PING"], timeout: 30_000_000_000) { results.value["late"] = $0 }
      connection.value.send(strings: ["PING"], timeout: 200_000_000) { results.value["early"] = $0 }
    }
    XCTAssertTrue(
      waitUntil(10) { harness.sync { results.value["early"] != nil } }, "deadlines: the earlier one fired")
    XCTAssertEqual(harness.sync { errorKind(results.value["early"]) }, "timeout", "deadlines: early")
    XCTAssertEqual(harness.sync { errorKind(results.value["late"]) }, "none", "deadlines: late still waiting")
    server.resume()
    XCTAssertTrue(
      waitUntil(10) { harness.sync { results.value["late"] != nil } }, "deadlines: the later one answered")
    XCTAssertEqual(
      harness.sync { results.value["late"] }, .success(.status(Array("PONG".utf8))), "deadlines: late")
  }

  func testConnectDeadlineWhenTheHandshakeIsNotAnswered() throws {
    let server = try startServer()
    server.pause()
    defer { server.resume() }
    let start = Date()
    let (_, downs) = connect(port: server.port) {
      $0.password = "x"
      $0.connectTimeout = 300_000_000
    }
    XCTAssertTrue(waitUntil(10) { harness.sync { !downs.value.isEmpty } }, "connect deadline: reported")
    let elapsed = Date().timeIntervalSince(start)
    let first = harness.sync { downs.value.first }
    XCTAssertEqual(first?.kind, .connectFailed, "connect deadline: kind, got \(String(describing: first))")
    XCTAssertGreaterThanOrEqual(elapsed, 0.29, "connect deadline: not early")
  }

  func testAuthAndSelectOnConnect() throws {
    let server = try startServer(extra: ["--requirepass", "s3cret"])
    let cases: [(name: String, password: String, database: Int, ready: Bool)] = [
      ("right password, db 3", "s3cret", 3, true),
      ("wrong password", "wrong", 0, false),
    ]
    for c in cases {
      let (connection, downs) = connect(port: server.port) {
        $0.password = c.password
        $0.database = c.database
      }
      if c.ready {
        waitReady(connection, c.name)
        XCTAssertEqual(send(connection, "SET", "where", "here"), .success(.status(Array("OK".utf8))), c.name)
        let value = try server.cli(["-a", "s3cret", "--no-auth-warning", "-n", "3", "GET", "where"])
        XCTAssertEqual(value, "here", "\(c.name): written to the selected database")
      } else {
        XCTAssertTrue(waitUntil(10) { harness.sync { !downs.value.isEmpty } }, "\(c.name): reported")
        let first = harness.sync { downs.value.first }
        guard case .connectFailed(let why)? = first else {
          XCTFail("\(c.name): expected connectFailed, got \(String(describing: first))")
          continue
        }
        XCTAssertTrue(why.contains("AUTH refused"), "\(c.name): \(why)")
        XCTAssertFalse(harness.sync { connection.value.isReady }, "\(c.name): not ready")
      }
    }
  }
}
