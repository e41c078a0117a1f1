import Config
import EventLoop
import HTTP1
import Net

/// The I/O driver of one client connection: it owns the socket, its registration, the one loop
/// timer and the upstream connection lent to the current exchange; it reads into and writes out
/// of the exchange's buffers and registers interest. Everything else is the `Exchange`'s to
/// decide. Each readiness event, timer or phase answer becomes an exchange event, and `perform`
/// carries out the `ExchangeActions` it returns, in this order: shutdowns, release of the
/// upstream, close; opening or replacing an upstream and flushing (each answered with another
/// event, whose actions are carried out in turn). When an event leaves nothing to do, the driver
/// registers `exchange.interest` and makes sure its timer fires by `exchange.deadline`.
///
/// Writes are optimistic: write interest is registered only after a partial write. The timer is
/// re-armed lazily: only when the deadline moves earlier; when it fires early the exchange says
/// so and the timer is armed again. No per-request state lives here. Loop-thread only.
///
/// The exchange's client buffers take their storage from the worker's `ByteBufferPool` when an
/// event arrives (`attachBuffers`) and give it back when the connection is idle between requests
/// with nothing buffered (`wait`): an idle keep-alive connection holds no buffer pages.
///
/// Calls on objects reached through a property (the exchange's buffers, the worker's loop and
/// pool, the lent upstream connection) go through `Unmanaged…_withUnsafeGuaranteedRef`: a plain
/// call retained and released the object around it (~40 instructions each, ~20 per request).
/// Each of them outlives the call: the buffers and the lent connection are held here, the loop
/// and the pool by the worker (docs/performance.md, "The shared pipeline, round 7").
final class ClientConnection: EventHandler {
  /// The worker outlives its connections (`unowned(unsafe)`: no reference counting per access).
  unowned(unsafe) let worker: Worker
  let fd: Int32
  private var registration: Registration?
  private var interest: Interest = []
  private let exchange: Exchange
  /// The upstream connection lent to the current exchange (its socket is closed with ours).
  private var upstream: UpstreamConnection?
  private var timer: TimerID?
  private var timerDeadline: UInt64 = 0
  private var closed = false

  init(worker: Worker, fd: Int32, peer: SocketAddress) {
    self.worker = worker
    self.fd = fd
    let buffers = worker.clientBuffers
    exchange = Exchange(
      pipeline: worker.pipeline, clientIn: ByteBuffer(pool: buffers), clientOut: ByteBuffer(pool: buffers),
      peer: Peer(peer), now: worker.loop.now)
    exchange.host = self
    Socket.setNoDelay(fd)
  }

  func start() {
    registration = worker.loop.register(fd: fd, interest: [.read], handler: self)
    interest = [.read]
    armTimer(exchange.deadline)
  }

  // MARK: Events

  func handle(_ events: Events) {
    guard !closed else { return }
    attachBuffers()
    let now = worker.loop.now
    if events.isReadable || events.isHangup || events.isError {
      perform(exchange.clientRead(.readOnce(into: exchange.clientIn, from: fd), now: now))
    } else {
      perform(exchange.clientWritable(now: now))
    }
  }

  /// Drain: idle connections close now; busy ones after their current exchange.
  func beginDrain() {
    guard !closed else { return }
    attachBuffers()
    perform(exchange.beginDrain(now: worker.loop.now))
  }

  // MARK: Actions

  /// Carries out `first` and the actions the resulting events return, then waits.
  private func perform(_ first: ExchangeActions) {
    var actions = first
    let now = worker.loop.now
    while true {
      if actions.contains(.shutdownUpstreamWrite) { upstream?.shutdownWrite() }
      if actions.contains(.shutdownClientWrite) { Posix.shutdownWrite(fd) }
      if actions.contains(.releaseUpstream) { releaseUpstream(reusable: actions.contains(.upstreamReusable)) }
      if actions.contains(.close) {
        close()
        return
      }
      if actions.contains(.openUpstream) {
        actions = openUpstream(now)
        continue
      }
      if actions.contains(.retryUpstream) {
        actions = retryUpstream(now)
        continue
      }
      if actions.contains(.flushClient), let next = flushClient(now) {
        actions = next
        continue
      }
      if actions.contains(.flushUpstream), let next = flushUpstream(now) {
        actions = next
        continue
      }
      break
    }
    wait()
  }

  private func openUpstream(_ now: UInt64) -> ExchangeActions {
    let connection: UpstreamConnection
    if let pooled = Unmanaged.passUnretained(worker.pool)._withUnsafeGuaranteedRef({ $0.takeIdle() }) {
      connection = pooled
    } else {
      do {
        connection = try worker.pool.connectFresh()
      } catch {
        return exchange.upstreamOpenFailed(error.description, now: now)
      }
    }
    upstream = connection
    let link = Unmanaged.passUnretained(connection)._withUnsafeGuaranteedRef { $0.lend(to: self) }
    return exchange.upstreamOpened(link, now: now)
  }

  private func retryUpstream(_ now: UInt64) -> ExchangeActions {
    guard let dead = upstream else { preconditionFailure("retry without an upstream") }
    let fresh: UpstreamConnection
    do {
      fresh = try worker.pool.connectFresh()
    } catch {
      return exchange.upstreamRetryFailed(error.description, now: now)
    }
    let link = fresh.takeOver(from: dead, owner: self)
    worker.pool.discard(dead)
    upstream = fresh
    return exchange.upstreamReplaced(by: link, now: now)
  }

  private func releaseUpstream(reusable: Bool) {
    guard let connection = upstream else { return }
    upstream = nil
    Unmanaged.passUnretained(worker.pool)._withUnsafeGuaranteedRef { pool in
      if reusable {
        pool.release(connection, reusable: true)
      } else {
        pool.discard(connection)
      }
      worker.metrics.publishPool(idle: pool.idleCount, busy: pool.busyCount)
    }
  }

  /// One optimistic write; nil when nothing could be written (the actions go on).
  private func flushClient(_ now: UInt64) -> ExchangeActions? {
    let result = Unmanaged.passUnretained(exchange.clientOut)._withUnsafeGuaranteedRef {
      FlushResult.flush($0, to: fd)
    }
    if case .idle = result { return nil }
    return exchange.clientFlushed(result, now: now)
  }

  private func flushUpstream(_ now: UInt64) -> ExchangeActions? {
    guard upstream != nil else { return nil }
    let result = Unmanaged.passUnretained(upstream!)._withUnsafeGuaranteedRef { $0.flush() }
    if case .idle = result { return nil }
    return exchange.upstreamFlushed(result, now: now)
  }

  /// The exchange may read or write its client buffers from here on (storage from the pool).
  private func attachBuffers() {
    Unmanaged.passUnretained(exchange.clientIn)._withUnsafeGuaranteedRef { $0.attach() }
    Unmanaged.passUnretained(exchange.clientOut)._withUnsafeGuaranteedRef { $0.attach() }
  }

  /// Registers the interest the exchange wants and makes sure the timer fires by its deadline;
  /// between requests, with nothing buffered, the client buffers go back to the pool.
  private func wait() {
    if exchange.isIdleBetweenRequests {
      Unmanaged.passUnretained(exchange.clientIn)._withUnsafeGuaranteedRef { $0.detach() }
      Unmanaged.passUnretained(exchange.clientOut)._withUnsafeGuaranteedRef { $0.detach() }
    }
    let wanted = exchange.interest
    if wanted.client != interest, let registration {
      Unmanaged.passUnretained(worker.loop)._withUnsafeGuaranteedRef {
        $0.modify(registration, fd: fd, interest: wanted.client)
      }
      interest = wanted.client
    }
    if upstream != nil {
      Unmanaged.passUnretained(upstream!)._withUnsafeGuaranteedRef { $0.setInterest(wanted.upstream) }
    }
    let deadline = exchange.deadline
    if timer == nil || deadline < timerDeadline {
      if let timer { Unmanaged.passUnretained(worker.loop)._withUnsafeGuaranteedRef { $0.cancel(timer) } }
      armTimer(deadline)
    }
  }

  private func armTimer(_ at: UInt64) {
    timerDeadline = at
    // Strong capture (no weak side table); `close` cancels the timer, which releases it.
    timer = worker.loop.schedule(at: at) { [self] in
      self.timer = nil
      guard !self.closed else { return }
      self.attachBuffers()
      self.perform(self.exchange.timerFired(now: self.worker.loop.now))
    }
  }

  private func close() {
    guard !closed else { return }
    closed = true
    releaseUpstream(reusable: false)
    if let timer { worker.loop.cancel(timer) }
    timer = nil
    if let registration { worker.loop.unregister(registration, fd: fd) }
    registration = nil
    Posix.close(fd)
    worker.connectionClosed(self)
  }
}

extension ClientConnection: UpstreamConnectionOwner {
  func upstreamReady(justConnected: Bool, read: ReadOutcome) {
    guard !closed else { return }
    attachBuffers()
    perform(exchange.upstreamReady(justConnected: justConnected, read: read, now: worker.loop.now))
  }

  func upstreamConnectFailed(_ error: SystemError) {
    guard !closed else { return }
    attachBuffers()
    perform(exchange.upstreamConnectFailed(error.description, now: worker.loop.now))
  }
}

extension ClientConnection: ExchangeHost {
  func resume(generation: Int, _ deliver: (inout RequestContext) -> Void) {
    guard !closed else { return }
    attachBuffers()
    guard let actions = exchange.resume(generation: generation, now: worker.loop.now, deliver) else {
      return
    }
    perform(actions)
  }
}
