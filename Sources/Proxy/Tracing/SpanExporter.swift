public import Config
public import EventLoop
import Net
import Synchronization

/// Sends sampled requests' spans to an OTLP/HTTP collector from its own thread (docs/operations.md
/// §5). Workers `enqueue` at the end of a request — a lock and an append into a bounded queue;
/// a full queue drops the span and counts it, so a slow or absent collector never holds a loop.
/// The thread wakes on a `Notifier` (a batch is full) or once a second, encodes up to
/// `batchSize` spans as protobuf JSON (`OTLPJSON`) and POSTs them over a `BlockingSocket` with a
/// deadline; a failed export is counted and its batch dropped (spans are not worth a backlog).
/// Thread-safe.
public final class SpanExporter: Sendable {
  static let batchSize = 256
  let settings: TracingSettings
  private let address: SocketAddress
  private let clock: any Clock
  private let queue = Mutex<[SpanRecord]>([])
  private let wake: Notifier
  private let stopping = Atomic<Bool>(false)
  let exported = Atomic<UInt64>(0)
  let dropped = Atomic<UInt64>(0)
  let failedExports = Atomic<UInt64>(0)

  public init?(settings: TracingSettings, clock: any Clock) throws(SystemError) {
    guard let address = settings.otlpAddress else { return nil }
    self.settings = settings
    self.address = address
    self.clock = clock
    wake = try Notifier()
  }

  /// Loop threads: hands one request's spans over, or drops them when the queue is full.
  func enqueue(_ span: SpanRecord) {
    let count = queue.withLock { queue -> Int in
      guard queue.count < settings.maxQueue else { return -1 }
      queue.append(span)
      return queue.count
    }
    if count < 0 {
      dropped.wrappingAdd(1, ordering: .relaxed)
    } else if count == Self.batchSize {
      wake.notify()
    }
  }

  public func start() throws(SystemError) {
    try SystemThread { [self] in run() }.start()
  }

  /// Stops after a last export of what is queued (best effort).
  public func stop() {
    stopping.store(true, ordering: .releasing)
    wake.notify()
  }

  private func run() {
    while true {
      _ = wake.wait(timeoutNanos: 1_000_000_000)
      let finishing = stopping.load(ordering: .acquiring)
      while true {
        let batch = queue.withLock { queue -> [SpanRecord] in
          let taken = Array(queue.prefix(Self.batchSize))
          queue.removeFirst(taken.count)
          return taken
        }
        if batch.isEmpty { break }
        if post(OTLPJSON.encode(batch, serviceName: settings.serviceName)) {
          exported.wrappingAdd(UInt64(batch.count), ordering: .relaxed)
        } else {
          failedExports.wrappingAdd(1, ordering: .relaxed)
        }
      }
      if finishing { return }
    }
  }

  /// One POST with a 2 s deadline; true on a 2xx answer.
  private func post(_ body: [UInt8]) -> Bool {
    let deadline = clock.monotonicNanos() &+ 2_000_000_000
    do {
      let socket = try BlockingSocket.connect(to: address, deadline: deadline, clock: clock)
      defer { socket.close() }
      let head =
        "POST \(settings.otlpPath) HTTP/1.1\r\nHost: \(settings.otlpHost)\r\nContent-Type: application/json\r\n"
        + "Content-Length: \(body.count)\r\nConnection: close\r\n\r\n"
      let request = Array(head.utf8) + body
      let sent: Bool = request.withUnsafeBytes { bytes in
        do {
          try socket.sendAll(bytes, until: deadline)
          return true
        } catch {
          return false
        }
      }
      guard sent else { return false }
      var answer = [UInt8](repeating: 0, count: 512)
      var filled = 0
      while filled < 12 {
        let read: Int = answer.withUnsafeMutableBytes { bytes in
          do {
            return try socket.receive(
              into: UnsafeMutableRawBufferPointer(rebasing: bytes[filled...]), until: deadline)
          } catch {
            return 0
          }
        }
        if read == 0 { break }
        filled += read
      }
      // "HTTP/1.1 2xx"
      return filled >= 12 && answer[9] == UInt8(ascii: "2")
    } catch {
      return false
    }
  }
}
