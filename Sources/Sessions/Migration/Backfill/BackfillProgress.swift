/// How far a backfill got, and its one-line forms for stderr (a bar when stderr is a terminal,
/// plain lines otherwise). Immutable value; the formatting is pure.
public struct BackfillProgress: Sendable, Equatable {
  public var users = 0
  /// Live sessions read from `from`.
  public var sessions = 0
  /// Of those: stored in `to`, and already there.
  public var copied = 0
  public var present = 0
  /// Copies destroyed again because `from` no longer held the session when checked (logged out
  /// or rotated while it was being copied).
  public var withdrawn = 0
  public var pages = 0
  /// The cursor after the last completed page (what a resumed run starts from).
  public var cursor = SessionExportPage.start
  /// The run resumed from a saved cursor.
  public var resumed = false
  public var finished = false
  /// Monotonic ns since the run started.
  public var elapsed: UInt64 = 0

  public init() {}

  /// Sessions read per second so far.
  public var rate: Double { elapsed == 0 ? 0 : Double(sessions) * 1e9 / Double(elapsed) }

  /// `users 120 · sessions 300 (copied 280, already there 20) · 950/s`
  public var line: String {
    "users \(users) · sessions \(sessions) (copied \(copied), already there \(present)) · \(Int(rate.rounded()))/s"
  }

  /// `[#########...........]  45% ` + `line`, for a terminal; `expectedUsers` from a count made
  /// before the run (the bar stops at 99 % until the export says it is done).
  public func bar(expectedUsers: Int, width: Int = 24) -> String {
    let fraction: Double
    if finished {
      fraction = 1
    } else if expectedUsers > 0 {
      fraction = min(Double(users) / Double(expectedUsers), 0.99)
    } else {
      fraction = 0
    }
    let filled = Int((fraction * Double(width)).rounded(.down))
    let percent = Int((fraction * 100).rounded(.down))
    let padded = String(repeating: " ", count: max(0, 3 - String(percent).count)) + "\(percent)"
    return "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] "
      + padded + "% " + line
  }

  /// The closing summary.
  public var summary: String {
    (finished ? "backfill complete: " : "backfill stopped: ")
      + "\(users) users, \(sessions) sessions, copied \(copied), already there \(present)"
      + (withdrawn > 0 ? ", withdrawn \(withdrawn)" : "") + ", in "
      + Self.seconds(elapsed) + " s" + (resumed ? " (resumed)" : "")
      + (finished ? "" : "; run again to resume at cursor \(cursor)")
  }

  /// ns as seconds with one decimal.
  static func seconds(_ nanoseconds: UInt64) -> String {
    let tenths = (nanoseconds + 50_000_000) / 100_000_000
    return "\(tenths / 10).\(tenths % 10)"
  }
}
