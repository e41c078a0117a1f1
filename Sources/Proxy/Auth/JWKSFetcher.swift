import Config
import Crypto
import EventLoop
import JWT
import Synchronization

/// The one background thread that fetches every issuer's JWKS (blocking sockets with timeouts
/// are fine here — no loop thread ever waits on it). Thread-safe: loop threads only call
/// `wake()` (a `Notifier`) after queueing a refetch on an `JWTIssuerState`; everything else
/// runs on the fetcher thread.
///
/// Each turn: for every issuer with a queued unknown-kid refetch or a due scheduled fetch, fetch
/// (`jwks_uri` over HTTP(S), or read `jwks_file`), apply the result to its `JWKSCache`, log the
/// outcome, and resume the requests that waited; then wait until the earliest `nextFetchAt` or
/// a wake-up. Issuers are fetched one after another: a slow issuer delays the others by at most
/// its `fetch_timeout`. Schedules and timeouts are on the injected `clock`.
public final class JWKSFetcher: Sendable {
  public struct SetupError: Error, CustomStringConvertible {
    public let description: String
  }

  let issuers: [JWTIssuerState]
  /// The time base of every issuer's `JWKSCache` (monotonic ms) and of JWT validation (wall).
  let clock: any Clock
  private let tlsContexts: [TLSClientContext?]
  private let sink: LogSink
  private let stopped = Atomic<Bool>(false)
  private let wakeup: Notifier
  let counters = JWTCounters()

  /// Creates the states; throws when a `ca_file` cannot be loaded into a TLS context (or no
  /// eventfd can be made).
  init(settings: JWTSettings, sink: LogSink, clock: any Clock = SystemClock()) throws(SetupError) {
    self.issuers = settings.issuers.map { JWTIssuerState(config: $0, extraClaims: settings.extraClaims) }
    var contexts: [TLSClientContext?] = []
    for issuer in settings.issuers {
      if case .uri(let url) = issuer.source, url.isTLS {
        do {
          contexts.append(try TLSClientContext(caFile: issuer.caFile))
        } catch {
          throw SetupError(description: "cannot create a TLS context: \(error)")
        }
      } else {
        contexts.append(nil)
      }
    }
    self.tlsContexts = contexts
    self.sink = sink
    self.clock = clock
    do {
      self.wakeup = try Notifier()
    } catch {
      throw SetupError(description: "cannot create the fetcher's wake-up: \(error)")
    }
  }

  /// Milliseconds on the clock's monotonic time line (the `JWKSCache` time base).
  func nowMs() -> Int64 { Int64(clock.monotonicNanos() / 1_000_000) }

  /// Starts the thread; the first fetch of every issuer begins at once.
  func start() throws(SystemError) {
    try SystemThread { [self] in run() }.start()
  }

  /// Asks the thread to end after its current fetch.
  func stop() {
    stopped.store(true, ordering: .relaxed)
    wake()
  }

  /// Wakes the thread (a refetch was queued). Callable from any thread; never blocks.
  func wake() {
    wakeup.notify()
  }

  /// Every issuer that has no usable keys now, with the reason. Empty = ready.
  public func readinessProblems() -> [(name: String, detail: String)] {
    let now = nowMs()
    return issuers.compactMap { issuer in
      issuer.readinessProblem(nowMs: now).map { ("jwks \(issuer.name)", $0) }
    }
  }

  private func run() {
    while !stopped.load(ordering: .relaxed) {
      var next = Int64.max
      for (index, issuer) in issuers.enumerated() {
        let now = nowMs()
        if issuer.takeDueFetch(nowMs: now) {
          let result = fetch(issuer, tls: tlsContexts[index])
          let (outcome, waiters) = issuer.finish(result, nowMs: nowMs())
          report(issuer, outcome)
          for waiter in waiters { waiter() }
        }
        next = min(next, issuer.nextFetchAt())
      }
      let wait = next == Int64.max ? 60_000 : max(0, min(60_000, next - nowMs()))
      if wait > 0 { _ = wakeup.wait(timeoutNanos: UInt64(wait) * 1_000_000) }
    }
    // Replaced by a reload: answer whoever still waits (they fail with 401 and may retry).
    for issuer in issuers {
      let (_, waiters) = issuer.finish(.failure(reason: "fetcher stopped"), nowMs: nowMs())
      for waiter in waiters { waiter() }
    }
  }

  private func fetch(_ issuer: JWTIssuerState, tls: TLSClientContext?) -> JWKSCache.FetchResult {
    let config = issuer.config
    switch config.source {
    case .file(let path):
      switch ConfigFileReader.read(path, limit: config.maxJWKSBytes) {
      case .success(let bytes): return .success(body: bytes, cacheControlMaxAge: nil)
      case .failure(let failure): return .failure(reason: "cannot read \(path): \(failure.reason)")
      }
    case .uri(let url):
      return JWKSHTTPClient.get(
        url, timeoutMs: Int64(config.fetchTimeout.nanoseconds / 1_000_000), maxBytes: config.maxJWKSBytes,
        tls: tls, allowInsecure: config.allowInsecureHTTP, clock: clock)
    }
  }

  private func report(_ issuer: JWTIssuerState, _ outcome: JWKSCache.Outcome) {
    var line = JSONLine()
    line.add("time", sink.timestampNow())
    switch outcome {
    case .replaced(let set, let skipped), .unchanged(let set, let skipped):
      let replaced: Bool
      if case .replaced = outcome { replaced = true } else { replaced = false }
      counters.fetched(issuer: issuer.name, ok: true)
      line.add("level", skipped.isEmpty ? "info" : "warning")
      line.add("event", "jwks_fetch")
      line.add("issuer", issuer.name)
      line.add("result", replaced ? "replaced" : "unchanged")
      line.add("keys", String(set.count))
      if !skipped.isEmpty { line.add("skipped", skipped.joined(separator: "; ")) }
    case .failed(let reason, let retryAt):
      counters.fetched(issuer: issuer.name, ok: false)
      line.add("level", "warning")
      line.add("event", "jwks_fetch")
      line.add("issuer", issuer.name)
      line.add("result", "failure")
      line.add("reason", reason)
      line.add("retry_in_ms", String(max(0, retryAt - nowMs())))
    }
    sink.write(line.finish())
  }
}
