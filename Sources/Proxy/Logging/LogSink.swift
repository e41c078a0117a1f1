public import Config
import Glibc
public import Logging
import Synchronization

/// Where every log line goes: an in-memory queue that a dedicated writer thread drains to a
/// file descriptor (stdout by default), so a slow log consumer never blocks a loop thread.
/// When more than `maxPending` bytes wait, new lines are dropped and counted. It also holds the
/// `[log] level` and `format` in atomics, so a reload changes them for every logger and every
/// access line at once (swift-log's bootstrap can run only once). Thread-safe (Mutex, atomics).
public final class LogSink: Sendable {
  private struct State {
    var pending: [UInt8] = []
    var dropped = 0
    var stopped = false
  }

  private let state = Mutex(State())
  private let fd: Int32
  private let maxPending: Int
  private let levelIndex: Atomic<Int>
  private let textFormat: Atomic<Bool>

  public init(
    fd: Int32 = 1, maxPending: Int = 8 << 20, level: Logger.Level = .info, format: LogFormat = .json
  ) {
    self.fd = fd
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
    state.withLock { state in
      if state.pending.count + line.count > maxPending {
        state.dropped += 1
      } else {
        state.pending.append(contentsOf: line)
      }
    }
  }

  public func write(_ line: String) { write(Array(line.utf8)) }

  /// Starts the writer thread (call once).
  public func startWriter() {
    let sink = self
    let thread = Thread { sink.writerLoop() }
    thread.start()
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

  public func stop() {
    state.withLock { $0.stopped = true }
    flush()
  }

  private func writerLoop() {
    while true {
      let (bytes, stopped) = state.withLock { state -> ([UInt8], Bool) in
        let out = state.pending
        state.pending.removeAll(keepingCapacity: true)
        return (out, state.stopped)
      }
      writeAll(bytes)
      if stopped { return }
      usleep(bytes.isEmpty ? 20_000 : 1_000)
    }
  }

  private func writeAll(_ bytes: [UInt8]) {
    guard !bytes.isEmpty else { return }
    bytes.withUnsafeBytes { raw in
      var offset = 0
      while offset < raw.count {
        let n = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
        if n < 0 {
          if errno == EINTR { continue }
          if errno == EAGAIN {
            usleep(1000)
            continue
          }
          return
        }
        offset += n
      }
    }
  }
}

/// A plain POSIX thread for the log writer and the workers (no Foundation needed).
final class Thread: @unchecked Sendable {
  private let body: () -> Void
  private var handle = pthread_t()

  init(_ body: @escaping () -> Void) { self.body = body }

  func start() {
    let box = Unmanaged.passRetained(self)
    pthread_create(
      &handle, nil,
      { raw in
        let thread = Unmanaged<Thread>.fromOpaque(raw!).takeRetainedValue()
        thread.body()
        return nil
      }, box.toOpaque())
  }

  func join() { pthread_join(handle, nil) }
}
