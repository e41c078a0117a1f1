/// Turns `proxy.conf` into a `GatehouseConfig`: parse the TOML, validate every table and key while
/// collecting every problem with its line and dotted key, then freeze the result. Nothing is
/// partially applied: either a whole config or all the reasons there is none (oauth2-proxy's
/// model). The file, secrets, names and core count come from the injected `ConfigSources`;
/// with the real sources this blocks (file reads, host name resolution): call at start-up or
/// reload, never on a loop thread. Stateless, thread-safe.
public enum ConfigLoader {
  static let tables = [
    "server", "upstream", "limits", "admin", "headers", "log", "jwt", "route", "session", "redis", "health",
    "tracing", "cookie_policy", "assertion",
  ]

  /// Reads and validates the file at `path` (read through `sources`); `file:` secrets are
  /// relative to its directory. An unreadable file gives one issue with line 0.
  public static func load(path: String, sources: ConfigSources) -> Result<GatehouseConfig, ConfigErrors> {
    let bytes: [UInt8]
    switch sources.readFile(path, 16 << 20) {
    case .success(let read): bytes = read
    case .failure(let failure):
      return .failure(
        ConfigErrors(issues: [
          ConfigIssue(file: path, line: 0, key: "", message: "cannot read file: \(failure.reason)")
        ]))
    }
    guard let text = String(validating: bytes, as: UTF8.self) else {
      return .failure(
        ConfigErrors(issues: [ConfigIssue(file: path, line: 0, key: "", message: "file is not valid UTF-8")]))
    }
    return parse(text, file: path, baseDirectory: ConfigPath.directory(of: path), sources: sources)
  }

  /// Validates configuration text. `file` only names the source in issues; `baseDirectory` is
  /// where relative `file:` paths start.
  public static func parse(
    _ text: String, file: String, baseDirectory: String, sources: ConfigSources
  ) -> Result<GatehouseConfig, ConfigErrors> {
    let root: TOMLTable
    do {
      root = try TOMLParser.parse(text)
    } catch {
      return .failure(
        ConfigErrors(issues: [
          ConfigIssue(
            file: file, line: error.line, key: "", message: "\(error.message) (column \(error.column))")
        ]))
    }
    var reader = ConfigReader(file: file, baseDirectory: baseDirectory, sources: sources)
    let config = reader.readConfig(root)
    guard reader.issues.isEmpty else {
      let sorted = reader.issues.enumerated().sorted {
        ($0.element.line, $0.offset) < ($1.element.line, $1.offset)
      }
      return .failure(ConfigErrors(issues: sorted.map(\.element)))
    }
    return .success(config)
  }
}
