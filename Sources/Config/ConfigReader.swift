import Net

/// Validation state for one configuration file: the inputs secrets and addresses are resolved
/// against, and every issue found so far. Each accessor reports its own problems and returns a
/// usable fallback (the default), so validation always runs to the end and reports everything.
/// Loader-local, single-threaded.
struct ConfigReader {
  let file: String
  let baseDirectory: String
  let sources: ConfigSources
  private(set) var issues: [ConfigIssue] = []
  /// Valid `[[jwt.issuer]]` tables read so far (routes with a JWT policy need at least one).
  var jwtIssuerCount = 0
  /// Whether the file has `[[jwt.issuer]]` tables (when all are invalid, their problems are
  /// reported there and routes are not blamed as well).
  var jwtConfigured = false

  init(file: String, baseDirectory: String, sources: ConfigSources) {
    self.file = file
    self.baseDirectory = baseDirectory
    self.sources = sources
  }

  mutating func report(line: Int, key: String, _ message: String) {
    issues.append(ConfigIssue(file: file, line: line, key: key, message: message))
  }

  /// Reports every key of `section` not in `known`, at the key's line, with a suggestion.
  mutating func checkKeys(_ section: ConfigSection, known: [String]) {
    for entry in section.table.entries where !known.contains(entry.key) {
      let suggestion = ConfigSuggestion.closest(to: entry.key, among: known)
      let message: String
      if case .table = entry.value {
        message =
          "unknown table [\(section.path).\(entry.key)]"
          + (suggestion.map { "; did you mean `\($0)`?" }
            ?? "; known keys in \(section.title): \(known.joined(separator: ", "))")
      } else {
        message =
          "unknown key `\(entry.key)` in \(section.title)"
          + (suggestion.map { "; did you mean `\($0)`?" } ?? "; known keys: \(known.joined(separator: ", "))")
      }
      report(line: entry.keyLine, key: section.key(entry.key), message)
    }
  }

  // MARK: - Typed values

  /// The entry if present and of the expected type; a type mismatch is reported.
  private mutating func entry(
    _ section: ConfigSection, _ key: String, expected: String, matches: (TOMLValue) -> Bool
  ) -> TOMLTable.Entry? {
    guard let entry = section.table.entry(key) else { return nil }
    guard matches(entry.value) else {
      report(
        line: entry.valueLine, key: section.key(key), "expected \(expected), found \(entry.value.typeName)")
      return nil
    }
    return entry
  }

  mutating func string(_ section: ConfigSection, _ key: String, expected: String = "a string") -> (
    value: String, line: Int
  )? {
    guard
      let entry = entry(
        section, key, expected: expected, matches: { if case .string = $0 { true } else { false } }),
      case .string(let value) = entry.value
    else { return nil }
    return (value, entry.valueLine)
  }

  mutating func bool(_ section: ConfigSection, _ key: String, default fallback: Bool) -> Bool {
    guard
      let entry = entry(
        section, key, expected: "true or false", matches: { if case .bool = $0 { true } else { false } }),
      case .bool(let value) = entry.value
    else { return fallback }
    return value
  }

  /// A number from 0 to 1 (an integer 0 or 1 is accepted too).
  mutating func fraction(_ section: ConfigSection, _ key: String, default fallback: Double) -> Double {
    guard
      let entry = entry(
        section, key, expected: "a number from 0 to 1",
        matches: {
          switch $0 {
          case .float, .integer: true
          default: false
          }
        })
    else { return fallback }
    let value: Double
    switch entry.value {
    case .float(let number): value = number
    case .integer(let number): value = Double(number)
    default: return fallback
    }
    guard value >= 0 && value <= 1 else {
      report(line: entry.valueLine, key: section.key(key), "\(value) is out of range (0 to 1)")
      return fallback
    }
    return value
  }

  mutating func integer(
    _ section: ConfigSection, _ key: String, default fallback: Int, range: ClosedRange<Int>
  ) -> Int {
    guard
      let entry = entry(
        section, key, expected: "an integer", matches: { if case .integer = $0 { true } else { false } }),
      case .integer(let value) = entry.value
    else { return fallback }
    guard let int = Int(exactly: value), range.contains(int) else {
      report(
        line: entry.valueLine, key: section.key(key),
        "\(value) is out of range (\(range.lowerBound)...\(range.upperBound))")
      return fallback
    }
    return int
  }

  mutating func duration(
    _ section: ConfigSection, _ key: String, default fallback: Duration, range: ClosedRange<Duration>
  ) -> Duration {
    guard let (text, line) = string(section, key, expected: "a duration string such as \"30s\"") else {
      return fallback
    }
    guard let value = ConfigDuration.parse(text) else {
      report(line: line, key: section.key(key), "invalid duration \(quoted(text)) (\(ConfigDuration.hint))")
      return fallback
    }
    guard range.contains(value) else {
      report(
        line: line, key: section.key(key),
        "duration \(quoted(text)) is out of range (\(ConfigDuration.format(range.lowerBound)) to \(ConfigDuration.format(range.upperBound)))"
      )
      return fallback
    }
    return value
  }

  mutating func size(
    _ section: ConfigSection, _ key: String, default fallback: Int, range: ClosedRange<Int>
  ) -> Int {
    guard let entry = section.table.entry(key) else { return fallback }
    let value: Int
    switch entry.value {
    case .integer(let bytes):
      guard let bytes = Int(exactly: bytes), bytes >= 0 else {
        report(line: entry.valueLine, key: section.key(key), "size \(bytes) must not be negative")
        return fallback
      }
      value = bytes
    case .string(let text):
      guard let bytes = ConfigSize.parse(text) else {
        report(
          line: entry.valueLine, key: section.key(key), "invalid size \(quoted(text)) (\(ConfigSize.hint))")
        return fallback
      }
      value = bytes
    default:
      report(
        line: entry.valueLine, key: section.key(key),
        "expected a size (bytes, or a string such as \"16KiB\"), found \(entry.value.typeName)")
      return fallback
    }
    guard range.contains(value) else {
      report(
        line: entry.valueLine, key: section.key(key),
        "size \(value) is out of range (\(ConfigSize.describe(range.lowerBound)) to \(ConfigSize.describe(range.upperBound)))"
      )
      return fallback
    }
    return value
  }

  /// An array of strings, each with its line; nil if absent or mistyped (reported).
  mutating func stringArray(_ section: ConfigSection, _ key: String) -> [(value: String, line: Int)]? {
    guard
      let entry = entry(
        section, key, expected: "an array of strings",
        matches: { if case .array = $0 { true } else { false } }),
      case .array(let array) = entry.value
    else { return nil }
    var out: [(String, Int)] = []
    var ok = true
    for (index, element) in array.elements.enumerated() {
      guard case .string(let text) = element else {
        report(
          line: array.lines[index], key: "\(section.key(key))[\(index)]",
          "expected a string, found \(element.typeName)")
        ok = false
        continue
      }
      out.append((text, array.lines[index]))
    }
    return ok ? out : nil
  }

  // MARK: - Addresses and secrets

  /// "host:port" or "[v6]:port"; host names are resolved now (first result).
  mutating func socketAddress(
    _ text: String, line: Int, key: String, allowPortZero: Bool
  ) -> SocketAddress? {
    guard let (host, port) = SocketAddress.splitHostPort(text) else {
      report(line: line, key: key, "invalid address \(quoted(text)) (use host:port or [IPv6]:port)")
      return nil
    }
    if port == 0 && !allowPortZero {
      report(line: line, key: key, "port 0 is not valid here")
      return nil
    }
    guard let first = sources.resolve(host, port).first else {
      report(line: line, key: key, "cannot resolve host \(quoted(host))")
      return nil
    }
    return first
  }

  /// `env:NAME`, `file:PATH` (relative to the config's directory, trailing line breaks removed),
  /// or the literal text.
  mutating func secret(_ text: String, line: Int, key: String) -> Secret? {
    if let skipped = sources.skippedSecret, text.hasPrefix("env:") || text.hasPrefix("file:") {
      skipped(
        ConfigIssue(file: file, line: line, key: key, message: "secret \(text) not resolved (--skip-secrets)")
      )
      // A stand-in long enough for every length check, different per line (keys must differ).
      let origin: Secret.Origin =
        text.hasPrefix("env:") ? .environment(String(text.dropFirst(4))) : .file(String(text.dropFirst(5)))
      return Secret(String(repeating: "s", count: 64) + String(line), origin: origin)
    }
    if text.hasPrefix("env:") {
      let name = String(text.dropFirst(4))
      guard !name.isEmpty else {
        report(line: line, key: key, "`env:` needs a variable name")
        return nil
      }
      guard let value = sources.environment[name] else {
        report(line: line, key: key, "environment variable \(name) is not set")
        return nil
      }
      guard !value.isEmpty else {
        report(line: line, key: key, "environment variable \(name) is empty")
        return nil
      }
      return Secret(value, origin: .environment(name))
    }
    if text.hasPrefix("file:") {
      let path = ConfigPath.resolve(String(text.dropFirst(5)), under: baseDirectory)
      switch sources.readFile(path, 1 << 20) {
      case .failure(let failure):
        report(line: line, key: key, "cannot read secret file \(path): \(failure.reason)")
        return nil
      case .success(var bytes):
        while let last = bytes.last, last == UInt8(ascii: "\n") || last == UInt8(ascii: "\r") {
          bytes.removeLast()
        }
        guard let value = String(validating: bytes, as: UTF8.self) else {
          report(line: line, key: key, "secret file \(path) is not valid UTF-8")
          return nil
        }
        guard !value.isEmpty else {
          report(line: line, key: key, "secret file \(path) is empty")
          return nil
        }
        return Secret(value, origin: .file(path))
      }
    }
    return Secret(text, origin: .literal)
  }
}
