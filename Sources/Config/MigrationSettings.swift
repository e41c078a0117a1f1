public import Sessions

/// `[session.migration]`: moving sessions from the store in use (`from`) to another (`to`)
/// without logging anyone out (docs/migration.md). `nil` in `SessionSettings` when the file has
/// no such table. Memory → Redis uses `[redis]` for `to`; Redis → Redis uses `[redis]` for
/// `from` and `[redis.target]` for `to`. Immutable.
public struct MigrationSettings: Sendable, Equatable {
  /// Mode and split percentage at start (the fleet key in `from` may then override it).
  public let setting: MigrationSetting
  public let from: SessionSettings.Store
  public let to: SessionSettings.Store
  public let require: MigrationWriteRequirement
  /// How long `complete` still reads `from` as a fallback and sends it deletions.
  public let drainWindow: Duration
  /// When `split` steps back.
  public let thresholds: MigrationThresholds

  public init(
    setting: MigrationSetting = .off, from: SessionSettings.Store = .memory,
    to: SessionSettings.Store = .redis,
    require: MigrationWriteRequirement = .primary, drainWindow: Duration = .seconds(3600),
    thresholds: MigrationThresholds = MigrationThresholds()
  ) {
    self.setting = setting
    self.from = from
    self.to = to
    self.require = require
    self.drainWindow = drainWindow
    self.thresholds = thresholds
  }
}
