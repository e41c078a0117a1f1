/// The migration setting a fleet shares, as kept in the `from` Redis (`RedisMigrationFleetKey`):
/// a version every publication increments, the setting, and which migration it belongs to (a
/// replica configured for another pair of stores ignores it, so a key left over from an earlier
/// move is never followed). Immutable value; parsing is pure.
public struct MigrationFleetRecord: Sendable, Equatable {
  public var version: UInt64
  public var setting: MigrationSetting
  /// `MigrationIdentity.id` of the `from` → `to` pair.
  public var migration: String

  public init(version: UInt64, setting: MigrationSetting, migration: String) {
    self.version = version
    self.setting = setting
    self.migration = migration
  }

  /// From the hash fields `version`, `mode`, `percentage`, `migration` (nil where absent);
  /// nil when the key does not exist or a field does not parse.
  public init?(version: String?, mode: String?, percentage: String?, migration: String?) {
    guard let version, let number = UInt64(version), number > 0, let mode,
      let parsed = MigrationMode(rawValue: mode),
      let percentage, let share = Int(percentage), (0...100).contains(share), let migration
    else { return nil }
    self.init(
      version: number, setting: MigrationSetting(mode: parsed, percentage: share), migration: migration)
  }
}
