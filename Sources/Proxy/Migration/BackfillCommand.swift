public import Config
import EventLoop
import Prometheus
import Sessions

/// `gatehouse migrate` (docs/migration.md §5): copies every live session from the migration's
/// `from` Redis to its `to` Redis (`SessionBackfill`; the other way with `reverse`), or with
/// `verify` compares the two (`BackfillVerification`), on an event loop thread of its own with the same Redis clients the
/// proxy uses (Sentinel included). Progress goes to `output`: a bar redrawn in place on a
/// terminal, a line every two seconds otherwise, and a summary at the end.
public enum BackfillCommand {
  public struct Options: Sendable {
    /// Sessions per second; 0 = no limit.
    public var rate: Int
    /// Users per `SCAN` page.
    public var pageSize: Int
    /// Ignore a saved resume point.
    public var restart: Bool
    /// Compare instead of copying.
    public var verify: Bool
    /// Sessions checked by `verify`.
    public var sample: Int
    /// Copy (or verify) `to` → `from`: before leaving `complete` for a setting where `from`
    /// answers (docs/migration.md §7).
    public var reverse: Bool

    public init(
      rate: Int = 0, pageSize: Int = 200, restart: Bool = false, verify: Bool = false, sample: Int = 100,
      reverse: Bool = false
    ) {
      self.reverse = reverse
      self.rate = rate
      self.pageSize = pageSize
      self.restart = restart
      self.verify = verify
      self.sample = sample
    }
  }

  /// Blocks until done; answers the exit status: 0 copied (or verified), 1 failed (or the
  /// verification found missing or different sessions), 2 nothing to migrate with this file.
  /// `terminal`: whether `output` is a terminal (default: whether stderr is).
  public static func run(
    config: GatehouseConfig, options: Options, terminal: Bool? = nil,
    output: @escaping @Sendable (String) -> Void
  ) -> Int32 {
    let terminal = terminal ?? Terminal.isTerminal(2)
    guard let session = config.session, session.migration != nil else {
      output("gatehouse migrate: the configuration has no [session.migration]\n")
      return 2
    }
    guard let fromSettings = session.fromRedis, let toSettings = session.toRedis else {
      output(
        "gatehouse migrate: from is the memory store, which lives inside the running gatehouse; its sessions "
          + "move to Redis through the migration modes (shadow, dual, split, complete), nothing to copy here\n"
      )
      return 2
    }
    let clock = SystemClock()
    let loop: EventLoop
    do {
      loop = try EventLoop(clock: clock)
    } catch {
      output("gatehouse migrate: cannot create an event loop: \(error)\n")
      return 1
    }
    let shared = RedisSharedState(
      metrics: RedisMetrics(registry: PrometheusCollectorRegistry(), workers: 3, clock: clock))
    // Index 1 and 2: not worker 0, so no invalidation feed (there is no cache to keep coherent).
    let from = RedisWorkerBackend(
      index: 1, loop: loop, settings: patient(fromSettings), shared: shared, cache: nil, clock: clock)
    let to = RedisWorkerBackend(
      index: 2, loop: loop, settings: patient(toSettings), shared: shared, cache: nil, clock: clock)
    let identity = MigrationIdentity(settings: session)
    let job =
      options.reverse
      ? BackfillJob(
        source: to, target: from, identity: MigrationIdentity(from: identity.to, to: identity.from),
        options: options, terminal: terminal, clock: clock, output: output)
      : BackfillJob(
        source: from, target: to, identity: identity, options: options, terminal: terminal, clock: clock,
        output: output)
    let thread = SystemThread { loop.run() }
    do {
      try thread.start()
    } catch {
      output("gatehouse migrate: cannot start a thread: \(error)\n")
      return 1
    }
    loop.execute { job.start() }
    thread.join()
    return job.status
  }

  /// The same settings with a command deadline suited to a batch job (scans and exports of many
  /// users take longer than one request's lookup).
  static func patient(_ s: RedisSettings) -> RedisSettings {
    RedisSettings(
      endpoint: s.endpoint, username: s.username, password: s.password, database: s.database,
      keyPrefix: s.keyPrefix, connectTimeout: max(s.connectTimeout, .seconds(1)),
      commandTimeout: max(s.commandTimeout, .seconds(5)), onStoreUnavailable: s.onStoreUnavailable,
      staleGrace: s.staleGrace, breakerFailures: s.breakerFailures, breakerCooldown: s.breakerCooldown)
  }
}

/// One run of `gatehouse migrate` on its loop, from `source` to `target` (`from` → `to`, or the
/// other way with `--reverse`; `identity` names them in that order). Loop-thread only (`status`
/// is read after the loop thread ended).
final class BackfillJob: @unchecked Sendable {
  let source: RedisWorkerBackend
  let target: RedisWorkerBackend
  let identity: MigrationIdentity
  let options: BackfillCommand.Options
  let terminal: Bool
  let clock: any Clock
  let output: @Sendable (String) -> Void
  private(set) var status: Int32 = 1
  private var expectedUsers = 0
  private var lastLine: UInt64 = 0
  private var backfill: SessionBackfill?
  private var verification: BackfillVerification?

  init(
    source: RedisWorkerBackend, target: RedisWorkerBackend, identity: MigrationIdentity,
    options: BackfillCommand.Options,
    terminal: Bool, clock: any Clock, output: @escaping @Sendable (String) -> Void
  ) {
    self.clock = clock
    self.source = source
    self.target = target
    self.identity = identity
    self.options = options
    self.terminal = terminal
    self.output = output
  }

  var loop: EventLoop { source.loop }

  func start() {
    source.start()
    target.start()
    let deadline =
      loop.now &+ UInt64(max(source.settings.connectTimeout, target.settings.connectTimeout).nanoseconds)
      &* 10
    waitForConnections(until: deadline)
  }

  private func waitForConnections(until deadline: UInt64) {
    if source.store.isAvailable && target.store.isAvailable {
      output("gatehouse migrate: \(identity.from) → \(identity.to)\n")
      return options.verify ? verify() : countThenCopy()
    }
    guard loop.now < deadline else {
      let down = source.store.isAvailable ? identity.to : identity.from
      return finish(1, "gatehouse migrate: cannot reach \(down)")
    }
    loop.schedule(at: loop.now &+ 10_000_000) { [self] in waitForConnections(until: deadline) }
  }

  private func countThenCopy() {
    guard terminal else { return copy() }
    source.store.countUsers { [self] counted in
      if case .success(let users) = counted { expectedUsers = users }
      copy()
    }
  }

  private func copy() {
    let loop = self.loop
    let backfill = SessionBackfill(
      source: source.store, target: target.store,
      checkpoint: RedisBackfillCheckpoint(
        transport: target.store.transport, keyPrefix: target.settings.keyPrefix,
        timeout: UInt64(target.settings.commandTimeout.nanoseconds)),
      sourceName: identity.from,
      options: SessionBackfill.Options(
        pageSize: options.pageSize, rate: options.rate, restart: options.restart),
      clock: clock, sleep: { delay, resume in loop.schedule(at: loop.now &+ delay, resume) })
    backfill.onProgress = { [self] in report($0) }
    self.backfill = backfill
    backfill.run { [self] result in
      if terminal { output("\n") }
      switch result {
      case .success(let progress): finish(0, progress.summary)
      case .failure(let error): finish(1, "gatehouse migrate: \(error) (run again to resume)")
      }
    }
  }

  private func report(_ progress: BackfillProgress) {
    if terminal {
      output("\r" + progress.bar(expectedUsers: expectedUsers) + "\u{1B}[K")
      return
    }
    let now = clock.monotonicNanos()
    guard now &- lastLine >= 2_000_000_000 || progress.finished else { return }
    lastLine = now
    output(progress.line + "\n")
  }

  private func verify() {
    let verification = BackfillVerification(
      source: source.store, target: target.store, sampleSize: options.sample, pageSize: options.pageSize,
      clock: clock)
    self.verification = verification
    verification.run { [self] result in
      switch result {
      case .success(let report): finish(report.passed ? 0 : 1, report.summary)
      case .failure(let error): finish(1, "gatehouse migrate --verify: \(error)")
      }
    }
  }

  private func finish(_ status: Int32, _ message: String) {
    self.status = status
    output(message + "\n")
    loop.stop()
  }
}
