public import EventLoop

/// `gatehouse migrate --verify`: counts the live sessions of both stores and checks a random
/// sample of `from`'s sessions: each is read again from both stores and the answers compared
/// (present, same sealed bytes, same expiry within the comparison tolerance); a sampled session
/// that `from` no longer has, or whose answer in `from` changed while it was being compared
/// (logged out, rotated, touched meanwhile), is left out. Counts drift while
/// traffic runs, so only the sample decides the verdict; the counts are reported. Loop-thread
/// only, like `SessionBackfill`.
public final class BackfillVerification {
  public struct Report: Sendable, Equatable {
    public var fromSessions = 0
    public var toSessions = 0
    public var sampled = 0
    public var missing = 0
    public var different = 0

    public init() {}

    public var passed: Bool { missing == 0 && different == 0 }

    public var summary: String {
      let gap = fromSessions - toSessions
      return "verify: from \(fromSessions) sessions, to \(toSessions)"
        + (gap > 0 ? " (\(gap) fewer in to)" : "")
        + "; sample of \(sampled): \(sampled - missing - different) equal, \(missing) missing, \(different) different"
        + (passed ? " — OK" : " — FAILED")
    }
  }

  let source: any SessionExporting & SessionStore
  let target: any SessionExporting & SessionStore
  let sampleSize: Int
  let pageSize: Int
  let clock: any Clock
  private var report = Report()
  private var sample: [ExportedSession] = []
  private var seen = 0
  private var generator = SystemRandomNumberGenerator()

  public init(
    source: any SessionExporting & SessionStore, target: any SessionExporting & SessionStore,
    sampleSize: Int = 100, pageSize: Int = 200, clock: any Clock
  ) {
    self.source = source
    self.target = target
    self.sampleSize = max(sampleSize, 0)
    self.pageSize = max(pageSize, 1)
    self.clock = clock
  }

  public func run(completion: @escaping (Result<Report, SessionError>) -> Void) {
    scan(
      source, from: SessionExportPage.start,
      onPage: { [self] page in
        for user in page.users {
          for session in user.sessions { keepInSample(session) }
        }
        report.fromSessions += page.sessionCount
      }
    ) { [self] scanned in
      if case .failure(let error) = scanned { return completion(.failure(error)) }
      scan(target, from: SessionExportPage.start, onPage: { [self] in report.toSessions += $0.sessionCount })
      {
        [self] scanned in
        if case .failure(let error) = scanned { return completion(.failure(error)) }
        checkSample(completion)
      }
    }
  }

  /// Reservoir sampling: every session read has the same chance to be checked.
  private func keepInSample(_ session: ExportedSession) {
    seen += 1
    if sample.count < sampleSize {
      sample.append(session)
    } else if sampleSize > 0 {
      let slot = Int.random(in: 0..<seen, using: &generator)
      if slot < sampleSize { sample[slot] = session }
    }
  }

  private func scan(
    _ store: any SessionExporting, from cursor: String, onPage: @escaping (SessionExportPage) -> Void,
    _ done: @escaping (Result<Void, SessionError>) -> Void
  ) {
    store.exportSessions(from: cursor, count: pageSize, now: clock.wallNanos()) { [self] result in
      switch result {
      case .failure(let error): done(.failure(error))
      case .success(let page):
        onPage(page)
        if page.cursor == SessionExportPage.done { return done(.success(())) }
        scan(store, from: page.cursor, onPage: onPage, done)
      }
    }
  }

  private func checkSample(_ completion: @escaping (Result<Report, SessionError>) -> Void) {
    var pending = sample.count
    var failure: SessionError?
    guard pending > 0 else { return completion(.success(report)) }
    let now = clock.wallNanos()
    for exported in sample {
      let key = exported.session.summary.storeKey
      source.load(storeKey: key, now: now) { [self] inFrom in
        target.load(storeKey: key, now: now) { [self] inTo in
          switch (inFrom, inTo) {
          case (.failure(let error), _), (_, .failure(let error)):
            failure = failure ?? error
          case (.success(.notFound), _):
            break
          case (.success(let a), .success(let b)):
            let fields = SessionRecordComparison.mismatches(a, b, ticket: nil)
            guard !fields.isEmpty else {
              report.sampled += 1
              break
            }
            // A logout, rotation or touch may have reached both stores between the two reads:
            // count the difference only if `from` still answers what it answered before.
            return source.load(storeKey: key, now: now) { [self] again in
              if case .success(let unchanged) = again, unchanged == a {
                report.sampled += 1
                if fields.contains(.presence) { report.missing += 1 } else { report.different += 1 }
              }
              pending -= 1
              if pending == 0 { completion(failure.map { .failure($0) } ?? .success(report)) }
            }
          }
          pending -= 1
          if pending == 0 { completion(failure.map { .failure($0) } ?? .success(report)) }
        }
      }
    }
  }
}
