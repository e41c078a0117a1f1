public import EventLoop

/// `gatehouse migrate`: copies every live session from one store to another without unsealing
/// anything (docs/migration.md §5). Page by page: export a page of users from `source`, import
/// every user of the page into `target` at once (one script per user), check each copy against
/// `source` again, save the cursor, then wait for the rate limit — so an interrupted run resumes
/// at the last complete page, and a repeated run copies nothing (imports skip keys the target
/// holds).
///
/// The check after the copy: a session logged out or rotated between its export and its import
/// would otherwise live again in `target`. Every stored copy whose session `source` no longer
/// holds live (or cannot confirm) is destroyed in `target` again (`withdrawn`).
///
/// I/O is injected: the stores, the checkpoint, the clock (monotonic for pacing, wall for the
/// memory store) and `sleep` (a loop timer). Loop-thread only: every call and
/// completion on the loop that runs the stores.
public final class SessionBackfill {
  public struct Options: Sendable {
    /// Users per page (Redis `SCAN … COUNT`).
    public var pageSize: Int
    /// Sessions per second; 0 = no limit.
    public var rate: Int
    /// Ignore a saved cursor and start from the beginning.
    public var restart: Bool

    public init(pageSize: Int = 200, rate: Int = 0, restart: Bool = false) {
      self.pageSize = max(pageSize, 1)
      self.rate = rate
      self.restart = restart
    }
  }

  let source: any SessionExporting & SessionStore
  let target: any SessionImporting & SessionStore
  let checkpoint: (any BackfillCheckpoint)?
  /// Names the source in the checkpoint (a cursor is only valid for the store it came from).
  let sourceName: String
  let options: Options
  let clock: any Clock
  let sleep: (UInt64, @escaping () -> Void) -> Void
  /// Called after every page (and once at the end).
  public var onProgress: ((BackfillProgress) -> Void)?

  private var limiter: BackfillRateLimiter
  private var progress = BackfillProgress()
  private var started: UInt64 = 0
  private var completion: ((Result<BackfillProgress, SessionError>) -> Void)?

  public init(
    source: any SessionExporting & SessionStore, target: any SessionImporting & SessionStore,
    checkpoint: (any BackfillCheckpoint)?,
    sourceName: String, options: Options, clock: any Clock,
    sleep: @escaping (UInt64, @escaping () -> Void) -> Void
  ) {
    self.source = source
    self.target = target
    self.checkpoint = checkpoint
    self.sourceName = sourceName
    self.options = options
    self.clock = clock
    self.sleep = sleep
    self.limiter = BackfillRateLimiter(perSecond: options.rate)
  }

  /// Runs to the end (or the first failure: the progress so far is in `onProgress`, and the
  /// checkpoint holds where to resume).
  public func run(completion: @escaping (Result<BackfillProgress, SessionError>) -> Void) {
    self.completion = completion
    started = clock.monotonicNanos()
    guard let checkpoint, !options.restart else { return page(SessionExportPage.start) }
    checkpoint.load(source: sourceName) { [self] result in
      switch result {
      case .failure(let error): finish(.failure(error))
      case .success(let saved?) where saved != SessionExportPage.start:
        progress.resumed = true
        progress.cursor = saved
        page(saved)
      case .success: page(SessionExportPage.start)
      }
    }
  }

  private func page(_ cursor: String) {
    source.exportSessions(from: cursor, count: options.pageSize, now: clock.wallNanos()) { [self] result in
      switch result {
      case .failure(let error): finish(.failure(error))
      case .success(let page): importPage(page)
      }
    }
  }

  private func importPage(_ page: SessionExportPage) {
    var pending = page.users.count
    var failure: SessionError?
    let pageDone = { [self] in
      if let failure { return finish(.failure(failure)) }
      progress.pages += 1
      progress.cursor = page.cursor
      progress.elapsed = clock.monotonicNanos() &- started
      if page.cursor == SessionExportPage.done { return complete() }
      onProgress?(progress)
      let wait = limiter.reserve(page.sessionCount, now: clock.monotonicNanos())
      let next = { [self] in
        if wait == 0 { return self.page(page.cursor) }
        sleep(wait) { [self] in self.page(page.cursor) }
      }
      guard let checkpoint else { return next() }
      checkpoint.save(cursor: page.cursor, source: sourceName) { [self] saved in
        if case .failure(let error) = saved { return finish(.failure(error)) }
        next()
      }
    }
    if pending == 0 { return pageDone() }
    let now = clock.wallNanos()
    for user in page.users {
      target.importSessions(user, now: now) { [self] result in
        switch result {
        case .success(let stored):
          progress.users += 1
          progress.sessions += user.sessions.count
          progress.present += user.sessions.count - stored.count
          confirm(stored, userKey: user.userKey, now: now) {
            pending -= 1
            if pending == 0 { pageDone() }
          }
        case .failure(let error):
          failure = failure ?? error
          pending -= 1
          if pending == 0 { pageDone() }
        }
      }
    }
  }

  /// Keeps each stored copy only if `source` still holds the session live; else destroys it in
  /// `target` again.
  private func confirm(_ stored: [String], userKey: String, now: Int64, _ done: @escaping () -> Void) {
    var pending = stored.count
    guard pending > 0 else { return done() }
    for key in stored {
      source.load(storeKey: key, now: now) { [self] result in
        guard case .success(.found) = result else {
          progress.withdrawn += 1
          target.destroy(storeKey: key, userKey: userKey) { _ in
            pending -= 1
            if pending == 0 { done() }
          }
          return
        }
        progress.copied += 1
        pending -= 1
        if pending == 0 { done() }
      }
    }
  }

  private func complete() {
    progress.finished = true
    guard let checkpoint else { return finish(.success(progress)) }
    checkpoint.clear { [self] cleared in
      if case .failure(let error) = cleared { return finish(.failure(error)) }
      finish(.success(progress))
    }
  }

  private func finish(_ result: Result<BackfillProgress, SessionError>) {
    progress.elapsed = clock.monotonicNanos() &- started
    onProgress?(progress)
    let completion = self.completion
    self.completion = nil
    completion?(result)
  }
}
