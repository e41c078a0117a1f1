import Sessions

/// `[session.migration]` (docs/migration.md): the mode a migration starts in, the two stores,
/// the write requirement, the drain window and when `split` steps back.
extension ConfigReader {
  static let migrationKeys = [
    "mode", "from", "to", "percentage", "require", "drain_window", "step_back_error_rate", "step_back_p99",
    "step_back_mismatch_rate", "step_back_window", "step_back_min_ops",
  ]

  /// nil when `[session]` has no `migration` table. `from` must agree with `[session] store`
  /// (and sets it when `store` is not written); `store`/`storeLine` are updated accordingly.
  mutating func readMigration(
    _ session: TOMLTable, store: inout SessionSettings.Store, storeGiven: Bool, storeLine: inout Int
  ) -> (settings: MigrationSettings, line: Int)? {
    guard let entry = session.entry("migration") else { return nil }
    guard case .table(let table) = entry.value else {
      report(
        line: entry.keyLine, key: "session.migration",
        "expected a table [session.migration], found \(entry.value.typeName)")
      return nil
    }
    let s = ConfigSection(path: "session.migration", title: "[session.migration]", table: table)
    let sectionLine = table.line > 0 ? table.line : entry.keyLine
    checkKeys(s, known: Self.migrationKeys)
    let d = MigrationSettings()

    if let (text, line) = string(s, "from") {
      if let from = SessionSettings.Store(rawValue: text) {
        if storeGiven && from != store {
          report(
            line: line, key: s.key("from"),
            "from = \(quoted(text)) but [session] store = \(quoted(store.rawValue)): from is the store in use"
          )
        } else {
          store = from
          storeLine = line
        }
      } else {
        report(line: line, key: s.key("from"), "unknown store \(quoted(text)); use \"memory\" or \"redis\"")
      }
    }
    if let (text, line) = string(s, "to"), text != "redis" {
      report(
        line: line, key: s.key("to"),
        text == "memory"
          ? "to = \"memory\" is not supported: a memory store lives in one process; move to \"redis\""
          : "unknown store \(quoted(text)); use \"redis\"")
    }
    var mode = d.setting.mode
    if let (text, line) = string(s, "mode") {
      if let value = MigrationMode(rawValue: text) {
        mode = value
      } else {
        report(
          line: line, key: s.key("mode"),
          "unknown mode \(quoted(text)); use \(MigrationMode.allCases.map { quoted($0.rawValue) }.joined(separator: ", "))"
        )
      }
    }
    let percentage = integer(s, "percentage", default: d.setting.percentage, range: 0...100)
    var require = d.require
    if let (text, line) = string(s, "require") {
      if let value = MigrationWriteRequirement(rawValue: text) {
        require = value
      } else {
        report(
          line: line, key: s.key("require"),
          "unknown requirement \(quoted(text)); use \"primary\" or \"both\"")
      }
    }
    let t = d.thresholds
    let thresholds = MigrationThresholds(
      errorRate: rate(s, "step_back_error_rate", default: t.errorRate),
      p99: UInt64(
        duration(
          s, "step_back_p99", default: .nanoseconds(Int64(t.p99)), range: .milliseconds(1) ... .seconds(60)
        )
        .nanoseconds),
      mismatchRate: rate(s, "step_back_mismatch_rate", default: t.mismatchRate),
      window: UInt64(
        duration(
          s, "step_back_window", default: .nanoseconds(Int64(t.window)), range: .seconds(1) ... .seconds(3600)
        )
        .nanoseconds),
      minimumOperations: integer(s, "step_back_min_ops", default: t.minimumOperations, range: 1...1_000_000))
    let settings = MigrationSettings(
      setting: MigrationSetting(mode: mode, percentage: percentage), from: store, to: .redis,
      require: require,
      drainWindow: duration(
        s, "drain_window", default: d.drainWindow, range: .zero ... .seconds(7 * 24 * 3600)),
      thresholds: thresholds)
    return (settings, sectionLine)
  }

  /// A share written as a percentage string ("1%", "0.5%"), as a fraction (0.01, 0.005).
  mutating func rate(_ s: ConfigSection, _ key: String, default fallback: Double) -> Double {
    guard let (text, line) = string(s, key, expected: "a percentage string such as \"1%\"") else {
      return fallback
    }
    guard let value = Self.percentage(text) else {
      report(
        line: line, key: s.key(key),
        "invalid percentage \(quoted(text)) (use e.g. \"1%\" or \"0.5%\", 0% to 100%)")
      return fallback
    }
    return value / 100
  }

  /// "12.5%" → 12.5; nil unless digits, an optional fraction, a percent sign, and 0...100.
  static func percentage(_ text: String) -> Double? {
    guard text.hasSuffix("%") else { return nil }
    let number = text.dropLast()
    let parts = number.split(separator: ".", omittingEmptySubsequences: false)
    guard !number.isEmpty, parts.count <= 2,
      parts.allSatisfy({
        !$0.isEmpty && $0.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
      }),
      let value = Double(number), value <= 100
    else { return nil }
    return value
  }
}
