import Foundation
import XCTest

@testable import Sessions

final class RedisSubscriberTests: RedisTestCase {
  private struct Log {
    var invalidations: [[[UInt8]]?] = []
    var resets = 0
    var messages: [String] = []
  }

  private func makeSubscriber(port: Int, interval: UInt64) -> (Unchecked<RedisSubscriber>, Unchecked<Log>) {
    let publisher = connection(port: port)
    var options = testOptions()
    options.commandTimeout = 500_000_000
    options.connectTimeout = 500_000_000
    let loop = harness.loop
    let address = RedisAddress(host: "127.0.0.1", port: port)!
    let log = Unchecked(Log())
    let subscriber = harness.sync { () -> Unchecked<RedisSubscriber> in
      let subscriber = RedisSubscriber(
        connection: RedisConnection(loop: loop, address: address, options: options),
        trackingPrefixes: [Array("S:".utf8), Array("U:".utf8)], channels: [Array("news".utf8)],
        heartbeatPublisher: publisher.value, heartbeatInterval: interval, heartbeatMaxMissed: 3)
      subscriber.onInvalidate = { log.value.invalidations.append($0) }
      subscriber.onReset = { log.value.resets += 1 }
      subscriber.onMessage = { channel, payload in
        log.value.messages.append("\(String(decoding: channel, as: UTF8.self)) \(payload.string ?? "?")")
      }
      subscriber.start()
      return Unchecked(subscriber)
    }
    cleanups.insert(Unchecked { subscriber.value.close() }, at: 0)
    return (subscriber, log)
  }

  func testInvalidationsForTrackedPrefixesAndNilOnFlushall() throws {
    let server = try startServer()
    let (subscriber, log) = makeSubscriber(port: server.port, interval: 200_000_000)
    XCTAssertTrue(waitUntil(15) { harness.sync { subscriber.value.isSubscribed } }, "subscribed")
    XCTAssertEqual(harness.sync { log.value.resets }, 1, "one reset when subscribed")
    let cases: [(name: String, command: [String], expected: [[UInt8]]?)] = [
      ("write by another client", ["SET", "S:one", "x"], [Array("S:one".utf8)]),
      ("second prefix", ["ZADD", "U:u", "1", "m"], [Array("U:u".utf8)]),
      ("TTL change", ["PEXPIRE", "S:one", "100000"], [Array("S:one".utf8)]),
      ("delete", ["DEL", "S:one"], [Array("S:one".utf8)]),
      ("flush all", ["FLUSHALL"], nil),
    ]
    for c in cases {
      try server.cli(["SET", "other:key", "untracked"])
      let before = harness.sync { log.value.invalidations.count }
      try server.cli(c.command)
      let arrived = waitUntil(10) { harness.sync { log.value.invalidations.count > before } }
      XCTAssertTrue(arrived, "\(c.name): invalidation arrived")
      let got = harness.sync { log.value.invalidations.count > before ? log.value.invalidations[before] : [] }
      XCTAssertEqual(got, c.expected, c.name)
    }
    try server.cli(["PUBLISH", "news", "hello"])
    XCTAssertTrue(
      waitUntil(10) { harness.sync { log.value.messages == ["news hello"] } }, "plain channel message")
  }

  func testHeartbeatDetectsADeadPathAndResetsAgainOnRecovery() throws {
    let server = try startServer()
    let (subscriber, log) = makeSubscriber(port: server.port, interval: 200_000_000)
    XCTAssertTrue(waitUntil(15) { harness.sync { subscriber.value.isSubscribed } }, "heartbeat: subscribed")
    server.pause()
    defer { server.resume() }
    let start = Date()
    XCTAssertTrue(
      waitUntil(15) { harness.sync { !subscriber.value.isSubscribed } }, "heartbeat: loss detected")
    XCTAssertLessThan(Date().timeIntervalSince(start), 5, "heartbeat: detected within a few intervals")
    XCTAssertEqual(harness.sync { log.value.resets }, 2, "heartbeat: reset on loss")
    server.resume()
    XCTAssertTrue(
      waitUntil(20) { harness.sync { subscriber.value.isSubscribed } }, "heartbeat: re-subscribed")
    XCTAssertGreaterThanOrEqual(harness.sync { log.value.resets }, 3, "heartbeat: reset on recovery")
    try server.cli(["SET", "S:after", "1"])
    let arrived = waitUntil(10) {
      harness.sync { log.value.invalidations.contains { $0 == [Array("S:after".utf8)] } }
    }
    XCTAssertTrue(arrived, "heartbeat: tracking re-established after recovery")
  }

  func testSubscriberKilledByTheServerResubscribes() throws {
    let server = try startServer()
    let (subscriber, log) = makeSubscriber(port: server.port, interval: 5_000_000_000)
    XCTAssertTrue(waitUntil(15) { harness.sync { subscriber.value.isSubscribed } }, "kill: subscribed")
    try server.cli(["CLIENT", "KILL", "TYPE", "pubsub"])
    XCTAssertTrue(
      waitUntil(15) { harness.sync { log.value.resets >= 3 } }, "kill: reset on loss and on re-subscribe")
    XCTAssertTrue(waitUntil(15) { harness.sync { subscriber.value.isSubscribed } }, "kill: subscribed again")
  }
}
