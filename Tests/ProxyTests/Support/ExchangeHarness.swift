import Config
import EventLoop
import Glibc
import HTTP1
import Logging
import Net
import XCTest

@testable import Proxy

/// Drives one `Exchange` the way `ClientConnection` does, with no socket at all: the "client"
/// and the "upstream" are byte strings, the clock is a number the test moves, and every action
/// the exchange asks for is carried out here (and recorded). The worker behind the pipeline is a
/// real one (its loop is never run and never opens a socket).
final class ExchangeHarness: ExchangeHost {
  /// How the next `openUpstream` (or `retryUpstream`) is answered.
  enum UpstreamPlan {
    /// An idle pooled connection (connected, `reused`).
    case pooled
    /// A fresh connection; `connected: false` leaves the connect pending until `upstreamConnects()`.
    case fresh(connected: Bool)
    /// The connect fails at once.
    case refused(String)
  }

  let worker: Worker
  let log: LogCapture
  let exchange: Exchange
  private(set) var now: UInt64 = 1_000 * second

  /// Plans for the coming `openUpstream`s, first first; `.pooled` when empty.
  var upstreamPlans: [UpstreamPlan] = []
  /// How `retryUpstream` is answered.
  var retryPlan: UpstreamPlan = .fresh(connected: true)
  /// The next write to the upstream fails (a dead pooled connection).
  var failNextUpstreamWrite = false
  /// Most bytes one client flush takes (nil: all) — a slow client.
  var clientWindow: Int?

  private(set) var upstreamIn: ByteBuffer?
  private(set) var upstreamOut: ByteBuffer?
  /// Bytes the client received, and the upstream received on each connection.
  private(set) var clientReceived: [UInt8] = []
  private(set) var upstreamReceived: [[UInt8]] = []
  /// Every action set the exchange returned, in order.
  private(set) var actionLog: [ExchangeActions] = []
  /// `reusable` of every release.
  private(set) var releases: [Bool] = []
  private(set) var opens = 0
  private(set) var retries = 0
  private(set) var clientShut = false
  private(set) var upstreamShut = false
  private(set) var closed = false

  init(runtime: RuntimeConfig = .testing(), clientBuffer: Int? = nil) throws {
    let loop = try EventLoop(maxRegistrations: 64)
    log = try LogCapture()
    worker = Worker(
      index: 0, loop: loop, runtime: runtime, upstream: SocketAddress.parse("127.0.0.1:9")!, maxIdle: 4,
      shared: SharedState(maxConnections: 16, sink: log.sink), log: Logger(label: "test"),
      metrics: GatehouseMetrics())
    let size = clientBuffer ?? runtime.clientBufferSize
    exchange = Exchange(
      pipeline: worker.pipeline, clientIn: ByteBuffer(capacity: size), clientOut: ByteBuffer(capacity: size),
      peer: Peer(SocketAddress.parse("192.0.2.7:40000")!), now: now)
    exchange.host = self
  }

  var state: ExchangeState { exchange.state }
  var clientText: String { String(decoding: clientReceived, as: UTF8.self) }
  var upstreamText: String { upstreamReceived.map { String(decoding: $0, as: UTF8.self) }.joined() }
  /// Every action the exchange asked for so far, merged.
  var allActions: ExchangeActions { actionLog.reduce([]) { $0.union($1) } }

  // MARK: Events from the outside

  func clientSends(_ text: String) {
    clientSends(Array(text.utf8))
  }

  func clientSends(_ bytes: [UInt8]) {
    let buffer = exchange.clientIn
    if buffer.readable == 0 { buffer.clear() } else if buffer.writable < bytes.count { buffer.compact() }
    XCTAssertTrue(bytes.withUnsafeBytes { buffer.append($0) }, "client bytes fit the buffer")
    perform(exchange.clientRead(.bytes, now: now))
  }

  func clientCloses() {
    perform(exchange.clientRead(.endOfStream, now: now))
  }

  func upstreamSends(_ text: String) {
    guard let input = upstreamIn else { return XCTFail("no upstream lent") }
    if input.readable == 0 { input.clear() } else if input.writable < text.utf8.count { input.compact() }
    XCTAssertTrue(input.append(string: text), "upstream bytes fit the buffer")
    perform(exchange.upstreamReady(justConnected: false, read: .bytes, now: now))
  }

  func upstreamCloses() {
    perform(exchange.upstreamReady(justConnected: false, read: .endOfStream, now: now))
  }

  func upstreamConnects() {
    perform(exchange.upstreamReady(justConnected: true, read: .nothing, now: now))
  }

  func upstreamConnectFails() {
    perform(exchange.upstreamConnectFailed("connect: Connection refused", now: now))
  }

  /// Moves the clock; the timer fires when the deadline has passed (as the driver's would).
  func advance(by nanos: UInt64) {
    now += nanos
    if now >= exchange.deadline { perform(exchange.timerFired(now: now)) }
  }

  /// Lets the client's side of the connection take bytes again after a `clientWindow`.
  func clientDrains() {
    perform(exchange.clientWritable(now: now))
  }

  func drain() {
    perform(exchange.beginDrain(now: now))
  }

  // MARK: ExchangeHost

  func resume(generation: Int, _ deliver: (inout RequestContext) -> Void) {
    guard !closed, let actions = exchange.resume(generation: generation, now: now, deliver) else { return }
    perform(actions)
  }

  // MARK: Carrying out actions (as ClientConnection does)

  private func perform(_ first: ExchangeActions) {
    var actions = first
    while true {
      if !actions.isEmpty { actionLog.append(actions) }
      if actions.contains(.shutdownUpstreamWrite) { upstreamShut = true }
      if actions.contains(.shutdownClientWrite) { clientShut = true }
      if actions.contains(.releaseUpstream) {
        releases.append(actions.contains(.upstreamReusable))
        upstreamIn = nil
        upstreamOut = nil
      }
      if actions.contains(.close) {
        closed = true
        return
      }
      if actions.contains(.openUpstream) {
        opens += 1
        actions = open(upstreamPlans.isEmpty ? .pooled : upstreamPlans.removeFirst())
        continue
      }
      if actions.contains(.retryUpstream) {
        retries += 1
        actions = retry()
        continue
      }
      if actions.contains(.flushClient), let next = flushClient() {
        actions = next
        continue
      }
      if actions.contains(.flushUpstream), let next = flushUpstream() {
        actions = next
        continue
      }
      return
    }
  }

  private func open(_ plan: UpstreamPlan) -> ExchangeActions {
    let input = ByteBuffer(capacity: 65536)
    let output = ByteBuffer(capacity: 65536)
    switch plan {
    case .pooled, .fresh:
      upstreamIn = input
      upstreamOut = output
      upstreamReceived.append([])
      var connecting = false
      if case .fresh(let connected) = plan { connecting = !connected }
      var reused = false
      if case .pooled = plan { reused = true }
      return exchange.upstreamOpened(
        UpstreamLink(input: input, output: output, connecting: connecting, reused: reused), now: now)
    case .refused(let detail):
      return exchange.upstreamOpenFailed(detail, now: now)
    }
  }

  private func retry() -> ExchangeActions {
    guard let unsent = upstreamOut else {
      XCTFail("retry without an upstream")
      return []
    }
    switch retryPlan {
    case .refused(let detail):
      return exchange.upstreamRetryFailed(detail, now: now)
    case .pooled, .fresh:
      var connecting = false
      if case .fresh(let connected) = retryPlan { connecting = !connected }
      let input = ByteBuffer(capacity: 65536)
      upstreamIn = input
      upstreamReceived.append([])
      return exchange.upstreamReplaced(
        by: UpstreamLink(input: input, output: unsent, connecting: connecting, reused: false), now: now)
    }
  }

  private func flushClient() -> ExchangeActions? {
    let out = exchange.clientOut
    let count = min(out.readable, clientWindow ?? out.readable)
    guard count > 0 else { return nil }
    clientReceived += UnsafeRawBufferPointer(start: out.readPointer, count: count)
    out.readerIndex += count
    if out.readable == 0 { out.clear() }
    return exchange.clientFlushed(.wrote(count), now: now)
  }

  private func flushUpstream() -> ExchangeActions? {
    guard let out = upstreamOut, out.readable > 0 else { return nil }
    if failNextUpstreamWrite {
      failNextUpstreamWrite = false
      return exchange.upstreamFlushed(.failed(EPIPE), now: now)
    }
    let count = out.readable
    upstreamReceived[upstreamReceived.count - 1] += UnsafeRawBufferPointer(
      start: out.readPointer, count: count)
    out.readerIndex += count
    if out.readable == 0 { out.clear() }
    return exchange.upstreamFlushed(.wrote(count), now: now)
  }

  // MARK: What the worker recorded

  /// Requests the logging phase counted (every route, method and status).
  var loggedRequests: Int {
    var total: UInt64 = 0
    for index in 0..<worker.metrics.requests.count { total += worker.metrics.requests.load(index) }
    return Int(total)
  }
}

/// A log sink whose lines the test reads back (through a pipe).
final class LogCapture {
  let sink: LogSink
  private let readEnd: Int32
  private let writeEnd: Int32

  init() throws {
    var fds: [Int32] = [0, 0]
    guard pipe(&fds) == 0 else { throw SystemError(call: "pipe", code: errno) }
    _ = fcntl(fds[0], F_SETFL, O_NONBLOCK)
    readEnd = fds[0]
    writeEnd = fds[1]
    sink = LogSink(fd: writeEnd)
  }

  deinit {
    close(readEnd)
    close(writeEnd)
  }

  /// The lines written so far (and not read before).
  func lines() -> [String] {
    sink.flush()
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
      let count = read(readEnd, &chunk, chunk.count)
      if count <= 0 { break }
      bytes += chunk[0..<count]
    }
    return String(decoding: bytes, as: UTF8.self).split(separator: "\n").map(String.init)
  }
}
