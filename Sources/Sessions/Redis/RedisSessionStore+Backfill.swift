/// The Redis store as a backfill source and target (`RedisBackfillScripts`): `SCAN` over the
/// per-user indexes (`<prefix>u:*`) on every master of the transport (one for a single Redis or
/// Sentinel, each in turn for a cluster), one export script per user found, one import script
/// per user copied (a user's keys share one slot). Loop-thread only, like the store.
extension RedisSessionStore: SessionExporting, SessionImporting {
  /// Where a page of the export continues: the `SCAN` cursor on one of the transport's masters
  /// (`scanConnections`, visited in turn), written `node:cursor`; "0" is the start and the end.
  struct ScanPosition: Equatable {
    var node: Int
    var cursor: String

    init(node: Int, cursor: String) {
      self.node = node
      self.cursor = cursor
    }

    init?(_ text: String) {
      if text == SessionExportPage.start {
        self.init(node: 0, cursor: "0")
        return
      }
      let parts = text.split(separator: ":", maxSplits: 1)
      guard parts.count == 2, let node = Int(parts[0]), node >= 0, UInt64(parts[1]) != nil else { return nil }
      self.init(node: node, cursor: String(parts[1]))
    }

    var text: String { "\(node):\(cursor)" }
  }

  public func exportSessions(
    from cursor: String, count: Int, now: Int64,
    completion: @escaping (Result<SessionExportPage, SessionError>) -> Void
  ) {
    scanPage(from: cursor, count: count) { [self] scanned in
      switch scanned {
      case .failure(let error): completion(.failure(error))
      case .success(let (userKeys, next)): exportUsers(userKeys, cursor: next, completion)
      }
    }
  }

  /// One `SCAN … MATCH <prefix>u:*` step: the user keys found (prefix removed) and the next
  /// position (`SessionExportPage.done` after the last master).
  func scanPage(
    from cursor: String, count: Int,
    _ completion: @escaping (Result<([String], String), SessionError>) -> Void
  ) {
    let nodes = transport.scanConnections
    guard let position = ScanPosition(cursor), position.node < max(nodes.count, 1) else {
      return transport.loop.afterBatch {
        completion(
          .failure(SessionError(.storeUnavailable, "export cursor \(cursor) does not fit the topology")))
      }
    }
    guard !nodes.isEmpty else {
      return transport.loop.afterBatch {
        completion(.failure(SessionError(.storeUnavailable, "no master known")))
      }
    }
    let pattern = Self.globEscaped(keyPrefix) + "u:*"
    nodes[position.node].send(
      strings: ["SCAN", position.cursor, "MATCH", pattern, "COUNT", String(max(count, 1))],
      timeout: commandTimeout
    ) { [self] result in
      switch result {
      case .failure(let error):
        completion(.failure(SessionError(.storeUnavailable, error.description)))
      case .success(let reply):
        guard let items = reply.array, items.count == 2, let next = items[0].string, let keys = items[1].array
        else { return completion(.failure(SessionError(.storeUnavailable, "unexpected SCAN reply"))) }
        let userKeys = keys.compactMap { $0.bytes }.filter { $0.count > prefixLength }.map {
          String(decoding: $0[prefixLength...], as: UTF8.self)
        }
        let following: String
        if next != "0" {
          following = ScanPosition(node: position.node, cursor: next).text
        } else if position.node + 1 < nodes.count {
          following = ScanPosition(node: position.node + 1, cursor: "0").text
        } else {
          following = SessionExportPage.done
        }
        completion(.success((userKeys, following)))
      }
    }
  }

  private var prefixLength: Int { keyPrefix.utf8.count }

  private func exportUsers(
    _ userKeys: [String], cursor: String,
    _ completion: @escaping (Result<SessionExportPage, SessionError>) -> Void
  ) {
    var users = [UserSessions?](repeating: nil, count: userKeys.count)
    var pending = userKeys.count
    var failure: SessionError?
    guard pending > 0 else { return completion(.success(SessionExportPage(users: [], cursor: cursor))) }
    for (index, userKey) in userKeys.enumerated() {
      run(
        RedisBackfillScripts.export, keys: [key(userKey)], args: [Array(keyPrefix.utf8)],
        { (result: Result<UserSessions, SessionError>) in
          switch result {
          case .success(let user): users[index] = user
          case .failure(let error): failure = failure ?? error
          }
          pending -= 1
          guard pending == 0 else { return }
          if let failure { return completion(.failure(failure)) }
          let found = users.compactMap { $0 }.filter { !$0.sessions.isEmpty }
          completion(.success(SessionExportPage(users: found, cursor: cursor)))
        }
      ) { reply in
        guard let items = reply.array, items.count % 9 == 0 else { return nil }
        var sessions: [ExportedSession] = []
        var i = 0
        while i < items.count {
          guard let member = items[i].bytes, let micros = items[i + 1].bytes.flatMap(Self.parseDecimal),
            case .success(let session)? = Self.session(
              storeKey: String(decoding: member, as: UTF8.self), items[(i + 2)..<(i + 9)])
          else { return nil }
          sessions.append(
            ExportedSession(
              session: session, remaining: micros.multipliedReportingOverflow(by: 1000).partialValue))
          i += 9
        }
        return .success(UserSessions(userKey: userKey, sessions: sessions))
      }
    }
  }

  public func importSessions(
    _ user: UserSessions, now: Int64, completion: @escaping (Result<[String], SessionError>) -> Void
  ) {
    guard !user.sessions.isEmpty else { return transport.loop.afterBatch { completion(.success([])) } }
    var keys: [[UInt8]] = [key(user.userKey)]
    var args: [[UInt8]] = []
    for exported in user.sessions {
      let storeKey = exported.session.summary.storeKey
      keys.append(key(storeKey))
      args.append(Array(storeKey.utf8))
      args.append(Self.decimal(Self.ttlMicros(exported.remaining, 0)))
      Self.appendFields(exported.session, to: &args)
    }
    run(RedisBackfillScripts.import, keys: keys, args: args, completion) { reply in
      guard let items = reply.array else { return nil }
      var stored: [String] = []
      for item in items {
        guard let member = item.string else { return nil }
        stored.append(member)
      }
      return .success(stored)
    }
  }

  /// How many per-user indexes the store holds (a `SCAN` over their keys only; for the progress
  /// bar of `gatehouse migrate`).
  public func countUsers(completion: @escaping (Result<Int, SessionError>) -> Void) {
    countUsers(from: SessionExportPage.start, counted: 0, completion)
  }

  private func countUsers(
    from cursor: String, counted: Int, _ completion: @escaping (Result<Int, SessionError>) -> Void
  ) {
    scanPage(from: cursor, count: 1000) { [self] scanned in
      switch scanned {
      case .failure(let error): completion(.failure(error))
      case .success(let (keys, next)):
        let total = counted + keys.count
        if next == SessionExportPage.done { return completion(.success(total)) }
        countUsers(from: next, counted: total, completion)
      }
    }
  }

  /// `text` with the glob characters of `SCAN … MATCH` escaped.
  static func globEscaped(_ text: String) -> String {
    var out = ""
    for character in text {
      if "*?[]\\".contains(character) { out.append("\\") }
      out.append(character)
    }
    return out
  }
}
