/// What a migration does right now: the mode and, for `split`, the share of users whose reads
/// `to` answers. The unit that the config file, the admin endpoint, the fleet key and the
/// automatic step back all change. Immutable value.
public struct MigrationSetting: Sendable, Equatable, CustomStringConvertible {
  public var mode: MigrationMode
  /// 0...100. Used by `split` only; kept as given in the other modes so a later `split` without
  /// a percentage resumes where it was.
  public var percentage: Int

  public init(mode: MigrationMode, percentage: Int = 0) {
    self.mode = mode
    self.percentage = min(max(percentage, 0), 100)
  }

  public static let off = MigrationSetting(mode: .off)

  /// The percentages a rollout walks (docs/migration.md §3). A step back goes to the largest
  /// one below the current percentage.
  public static let steps = [0, 10, 25, 50, 100]

  /// The step below `percentage` (0 stays 0).
  public var previousStep: Int { Self.steps.last { $0 < percentage } ?? 0 }

  /// Whether `to` answers the reads of users in `bucket` (0..<100).
  @inline(__always)
  public func toAnswers(bucket: Int) -> Bool {
    switch mode {
    case .off, .shadow, .dual: false
    case .split: bucket < percentage
    case .complete: true
    }
  }

  /// Why moving from `self` to `next` could refuse valid sessions, or nil when it cannot.
  /// Leaving `complete` for a setting where `from` answers some reads (anything but `split 100`
  /// and `complete`): sessions created since `complete` exist only in `to` (docs/migration.md
  /// §7, copy them back with `gatehouse migrate --reverse`, through `split 100`).
  public func riskOfMoving(to next: MigrationSetting) -> String? {
    guard mode == .complete, next.mode != .complete, !(next.mode == .split && next.percentage == 100) else {
      return nil
    }
    return
      "leaving complete for \(next) lets from answer for some users, but sessions created since complete "
      + "exist only in to: go to split 100 first, copy them back with gatehouse migrate --reverse, then step down"
  }

  /// "split 25%", "dual".
  public var description: String { mode == .split ? "split \(percentage)%" : mode.rawValue }
}
