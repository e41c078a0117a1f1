/// A store whose live sessions can be read out in pages, for `gatehouse migrate`. A session
/// present for the whole export is in at least one page (it may be in two: importing is
/// idempotent). Completions follow the `SessionStore` threading contract.
public protocol SessionExporting: AnyObject {
  /// Roughly `count` users' live sessions from `cursor` (`SessionExportPage.start` first).
  /// `now` (wall-clock ns) is used only by stores without a clock of their own.
  func exportSessions(
    from cursor: String, count: Int, now: Int64,
    completion: @escaping (Result<SessionExportPage, SessionError>) -> Void)
}

/// A store that takes exported sessions. Importing is idempotent: a session whose key the store
/// already holds (copied before, created by a mirrored write, or rotated since) is left alone.
public protocol SessionImporting: AnyObject {
  /// Stores `user`'s sessions it does not have, each living `remaining` from now, without the
  /// per-user cap (the exporting store already kept it); answers the store keys it stored.
  func importSessions(
    _ user: UserSessions, now: Int64, completion: @escaping (Result<[String], SessionError>) -> Void)
}
