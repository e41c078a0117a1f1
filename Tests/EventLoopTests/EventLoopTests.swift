import Foundation
import Glibc
import XCTest

@testable import EventLoop

final class EventLoopTests: XCTestCase {
  func testInterestAndEventBitsAreTheKernels() {
    let cases: [(name: String, ours: UInt32, kernel: UInt32)] = [
      ("read", Interest.read.rawValue, Epoll.input),
      ("write", Interest.write.rawValue, Epoll.output),
      ("isReadable", Events(raw: Epoll.input).isReadable ? 1 : 0, 1),
      ("isWritable", Events(raw: Epoll.output).isWritable ? 1 : 0, 1),
      ("isError", Events(raw: Epoll.error).isError ? 1 : 0, 1),
      ("isHangup", Events(raw: Epoll.hangup).isHangup ? 1 : 0, 1),
      ("no false readable", Events(raw: Epoll.output | Epoll.error | Epoll.hangup).isReadable ? 1 : 0, 0),
    ]
    for c in cases { XCTAssertEqual(c.ours, c.kernel, c.name) }
  }

  func testExecuteFromAnotherThreadWakesTheLoopInOrder() throws {
    let loop = try EventLoop()
    XCTAssertFalse(loop.isInLoopThread, "not running yet")
    let log = SharedLog<(Int, Bool)>()
    let count = 200
    let producer = Thread {
      for i in 0..<count {
        loop.execute {
          log.append((i, loop.isInLoopThread))
          if i == count - 1 { loop.stop() }
        }
      }
    }
    producer.start()
    runWithWatchdog(loop, "execute")
    let entries = log.all
    XCTAssertEqual(entries.map(\.0), Array(0..<count), "FIFO order")
    XCTAssertTrue(entries.allSatisfy(\.1), "tasks ran on the loop thread")
    XCTAssertFalse(loop.isInLoopThread, "run returned")
  }

  func testStopFromAnotherThread() throws {
    let loop = try EventLoop()
    let started = SharedLog<Bool>()
    loop.schedule(at: 0) {
      started.append(true)
      Thread { loop.stop() }.start()
    }
    runWithWatchdog(loop, "stop from another thread")
    XCTAssertEqual(started.all, [true])
  }

  func testSocketPairEchoThroughAHandler() throws {
    let loop = try EventLoop()
    let (client, server) = makeSocketPair()
    defer {
      Posix.close(client)
      Posix.close(server)
    }
    let buffer = ByteBuffer(capacity: 1024)
    var statuses: [IOStatus] = []
    var registration: Registration? = nil
    let handler = ClosureHandler { events in
      XCTAssertTrue(events.isReadable)
      let status = buffer.read(from: server)
      statuses.append(status)
      switch status {
      case .bytes:
        _ = buffer.write(to: server)
      case .eof:
        loop.unregister(registration!, fd: server)
        loop.stop()
      default: break
      }
    }
    registration = loop.register(fd: server, interest: .read, handler: handler)
    XCTAssertEqual(writeAll(client, "hello"), .bytes(5))
    loop.schedule(at: loop.now + 2_000_000) {
      // By now the echo is back; end the conversation.
      let (status, text) = readString(client)
      XCTAssertEqual(status, .bytes(5), "echo")
      XCTAssertEqual(text, "hello", "echo")
      Posix.shutdownWrite(client)
    }
    runWithWatchdog(loop, "echo")
    XCTAssertEqual(statuses, [.bytes(5), .eof])
    XCTAssertFalse(loop.isCurrent(registration!))
  }

  func testModifyAddsWriteInterest() throws {
    let loop = try EventLoop()
    let (a, b) = makeSocketPair()
    defer {
      Posix.close(a)
      Posix.close(b)
    }
    var seen: [String] = []
    var registration: Registration? = nil
    let handler = ClosureHandler { events in
      seen.append(events.isWritable ? "writable" : "other")
      loop.modify(registration!, fd: a, interest: .read)
      loop.stop()
    }
    registration = loop.register(fd: a, interest: .read, handler: handler)
    loop.schedule(at: 0) { loop.modify(registration!, fd: a, interest: [.read, .write]) }
    runWithWatchdog(loop, "modify")
    XCTAssertEqual(seen, ["writable"])
  }

  func testUnregisterInsideABatchDropsTheStaleEventAndDelaysTheSlot() throws {
    let loop = try EventLoop()
    let pairs = [makeSocketPair(), makeSocketPair(), makeSocketPair(), makeSocketPair()]
    defer {
      for (a, b) in pairs {
        Posix.close(a)
        Posix.close(b)
      }
    }
    // Both A and B are readable before the loop waits, so one epoll_wait returns both.
    for (a, _) in pairs { XCTAssertEqual(writeAll(a, "x"), .bytes(1)) }
    var registrations: [Registration] = [Registration](repeating: Registration(slot: 0, generation: 0), count: 2)
    var handlers: [ClosureHandler] = []
    var victim = -1
    var replacement: Registration? = nil
    weak var weakVictim: ClosureHandler?
    for index in 0..<2 {
      let handler = ClosureHandler { _ in
        guard victim < 0 else { return }
        victim = 1 - index
        loop.unregister(registrations[victim], fd: pairs[victim].1)
        loop.unregister(registrations[victim], fd: pairs[victim].1)  // a second unregister: no-op
        // A registration inside the batch must not reuse the victim's slot.
        replacement = loop.register(fd: pairs[2].1, interest: .read, handler: ClosureHandler { _ in })
        loop.stop()
      }
      handlers.append(handler)
      registrations[index] = loop.register(fd: pairs[index].1, interest: .read, handler: handler)
    }
    runWithWatchdog(loop, "unregister in batch")
    XCTAssertNotEqual(victim, -1, "a handler ran")
    guard victim >= 0 else { return }
    XCTAssertEqual(handlers[victim].calls, 0, "the victim's event in the same batch was dropped")
    XCTAssertEqual(handlers[1 - victim].calls, 1)
    XCTAssertNotEqual(replacement?.slot, registrations[victim].slot, "slot not reused inside the batch")
    XCTAssertFalse(loop.isCurrent(registrations[victim]))

    weakVictim = handlers[victim]
    handlers.remove(at: victim)
    XCTAssertNil(weakVictim, "the loop released the victim's handler after the batch")

    // After the batch the slot is free again, with a new generation.
    let reused = loop.register(fd: pairs[3].1, interest: .read, handler: ClosureHandler { _ in })
    XCTAssertEqual(reused.slot, registrations[victim].slot, "slot reused after the batch")
    XCTAssertNotEqual(reused.generation, registrations[victim].generation, "new generation")
    loop.unregister(registrations[victim], fd: pairs[victim].1)  // stale: must not remove `reused`
    XCTAssertTrue(loop.isCurrent(reused))
  }

  func testAfterBatchRunsAfterTheHandlersOfTheBatch() throws {
    let loop = try EventLoop()
    let pairs = [makeSocketPair(), makeSocketPair()]
    defer {
      for (a, b) in pairs {
        Posix.close(a)
        Posix.close(b)
      }
    }
    for (a, _) in pairs { XCTAssertEqual(writeAll(a, "x"), .bytes(1)) }
    var order: [String] = []
    var handlers: [ClosureHandler] = []
    for pair in pairs {
      let handler = ClosureHandler { _ in
        order.append("handler")
        if order.count == 1 {
          loop.afterBatch {
            order.append("after")
            loop.stop()
          }
        }
        _ = readString(pair.1)
      }
      handlers.append(handler)
      _ = loop.register(fd: pair.1, interest: .read, handler: handler)
    }
    runWithWatchdog(loop, "afterBatch")
    XCTAssertEqual(order.filter { $0 == "handler" }.count, 2, "both handlers ran")
    XCTAssertEqual(order.last, "after", "afterBatch ran after both handlers")
  }
}
