/// One live session as `gatehouse migrate` copies it: the sealed record and summary exactly as
/// stored (never unsealed), and how long it has left to live. Immutable value.
public struct ExportedSession: Sendable, Equatable {
  public var session: StoredSession
  /// Remaining lifetime in ns, by the exporting store's clock (Redis: its server clock); the
  /// importing store counts it from its own clock, so server clocks never need to agree.
  public var remaining: Int64

  public init(session: StoredSession, remaining: Int64) {
    self.session = session
    self.remaining = remaining
  }
}

/// The live sessions of one user (one per-user index), the unit of export and import: one
/// atomic script per user, whose keys all share the user's hash tag. Immutable value.
public struct UserSessions: Sendable, Equatable {
  /// `u:{tag}`, without any store prefix.
  public var userKey: String
  public var sessions: [ExportedSession]

  public init(userKey: String, sessions: [ExportedSession]) {
    self.userKey = userKey
    self.sessions = sessions
  }
}

/// One step of an export: some users' sessions and where to continue. Immutable value.
public struct SessionExportPage: Sendable, Equatable {
  public var users: [UserSessions]
  /// Where the next page starts; `SessionExportPage.done` when the export is complete.
  public var cursor: String

  public static let start = "0"
  public static let done = "0"

  public init(users: [UserSessions], cursor: String) {
    self.users = users
    self.cursor = cursor
  }

  public var sessionCount: Int { users.reduce(0) { $0 + $1.sessions.count } }
}
