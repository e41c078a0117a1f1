public import Config
public import EventLoop
public import Logging
import Synchronization

/// Where every log line goes: an in-memory queue that a dedicated writer thread drains to a
/// file descriptor (stdout by default), so a slow log consumer never blocks a loop thread.
/// When more than `maxPending` bytes wait, new lines are dropped and counted. It also holds the
/// `[log] level` and `format` in atomics, so a reload changes them for every logger and every
/// access line at once (swift-log's bootstrap can run only once), and the `clock` log times are
/// read from. Thread-safe (Mutex, atomics).
///
/// The writer sleeps on a `Notifier` while nothing is queued; the line that finds it asleep wakes
/// it (one eventfd write per writer sleep, not per line: lines queued while it writes are taken
/// in the same turn).
public final class LogSink: Sendable {
  private struct State {
    var pending: [UInt8] = []
    var dropped = 0
    var stopped = false
    /// The writer found nothing to write and waits for a notification.
    var writerAsleep = false
    var writer: SystemThread?
  }

  private let state = Mutex(State())
  private let fd: Int32
  private let wakeup: Notifier
  /// The time of log lines (`time`) and of access-line durations.
  public let clock: any Clock
  private let maxPending: Int
  private let levelIndex: Atomic<Int>
  private let textFormat: Atomic<Bool>

  /// `fd` is not owned (stdout by default): the sink never closes it. Stops the program when no
  /// eventfd can be made (at start, `EMFILE` is the only cause).
  public init(
    fd: Int32 = 1, maxPending: Int = 8 << 20, level: Logger.Level = .info, format: LogFormat = .json,
    clock: any Clock = SystemClock()
  ) {
    self.fd = fd
    self.clock = clock
    do {
      self.wakeup = try Notifier()
    } catch {
      preconditionFailure("LogSink: \(error)")
    }
    self.maxPending = maxPending
    self.levelIndex = Atomic(Logger.Level.allCases.firstIndex(of: level) ?? 2)
    self.textFormat = Atomic(format == .text)
  }

  /// Applies `[log] level` and `format` (start and reload).
  public func configure(level: Logger.Level, format: LogFormat) {
    levelIndex.store(Logger.Level.allCases.firstIndex(of: level) ?? 2, ordering: .relaxed)
    textFormat.store(format == .text, ordering: .relaxed)
  }

  /// The lowest level that is written.
  public var level: Logger.Level { Logger.Level.allCases[levelIndex.load(ordering: .relaxed)] }

  public var format: LogFormat { textFormat.load(ordering: .relaxed) ? .text : .json }

  /// True when lines of `level` are written.
  public func accepts(_ level: Logger.Level) -> Bool {
    (Logger.Level.allCases.firstIndex(of: level) ?? 0) >= levelIndex.load(ordering: .relaxed)
  }

  /// Number of lines dropped because the writer fell behind.
  public var droppedLines: Int { state.withLock { $0.dropped } }

  public func write(_ line: [UInt8]) {
    let wake = state.withLock { state in
      if state.pending.count + line.count > maxPending {
        state.dropped += 1
        return false
      }
      state.pending.append(contentsOf: line)
      let wake = state.writerAsleep
      state.writerAsleep = false
      return wake
    }
    if wake { wakeup.notify() }
  }

  /// The current wall-clock time as a log line's `time` value.
  func timestampNow() -> String { Timestamp.iso8601(nanos: clock.wallNanos()) }

  public func write(_ line: String) { write(Array(line.utf8)) }

  /// Starts the writer thread (call once).
  public func startWriter() throws(SystemError) {
    let thread = SystemThread { [self] in writerLoop() }
    try thread.start()
    state.withLock { $0.writer = thread }
  }

  /// Writes everything pending now, on the calling thread (shutdown and `check` paths).
  public func flush() {
    let bytes = state.withLock { state -> [UInt8] in
      let out = state.pending
      state.pending.removeAll(keepingCapacity: true)
      return out
    }
    writeAll(bytes)
  }

  /// Writes everything queued, ends the writer thread (waiting for it), and flushes what comes
  /// later on the calling thread.
  public func stop() {
    let writer = state.withLock { state in
      state.stopped = true
      let writer = state.writer
      state.writer = nil
      return writer
    }
    wakeup.notify()
    writer?.join()
    flush()
  }

  private func writerLoop() {
    while true {
      let (bytes, stopped) = state.withLock { state -> ([UInt8], Bool) in
        let out = state.pending
        state.pending.removeAll(keepingCapacity: true)
        if out.isEmpty && !state.stopped { state.writerAsleep = true }
        return (out, state.stopped)
      }
      writeAll(bytes)
      if stopped { return }
      if bytes.isEmpty { _ = wakeup.wait(timeoutNanos: nil) }
    }
  }

  /// A failed write (the reader went away, stdout closed) drops the lines: logging must never
  /// stop the proxy.
  private func writeAll(_ bytes: [UInt8]) {
    guard !bytes.isEmpty else { return }
    _ = bytes.withUnsafeBytes { Posix.writeAll(fd, $0) }
  }
}
