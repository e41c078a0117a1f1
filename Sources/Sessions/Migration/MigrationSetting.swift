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

  /// "split 25%", "dual".
  public var description: String { mode == .split ? "split \(percentage)%" : mode.rawValue }
}
