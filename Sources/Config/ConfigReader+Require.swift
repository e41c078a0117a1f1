import JWT

/// `[[route]] require = { … }`: the route's access rule (`AccessRule`), every problem reported
/// with its line and dotted key.
extension ConfigReader {
  /// Sub-rules nest at most this deep (a rule is read by people; deeper is a mistake).
  static let maxRuleDepth = 8

  mutating func readRequire(_ entry: TOMLTable.Entry, key: String) -> AccessRule? {
    guard case .table(let table) = entry.value else {
      report(
        line: entry.valueLine, key: key,
        "expected a table such as { role = \"admin\" }, found \(entry.value.typeName)")
      return nil
    }
    return readRule(table, line: entry.valueLine, key: key, depth: 1)
  }

  private mutating func readRule(_ table: TOMLTable, line: Int, key: String, depth: Int) -> AccessRule? {
    guard depth <= Self.maxRuleDepth else {
      report(line: line, key: key, "rules nest at most \(Self.maxRuleDepth) deep")
      return nil
    }
    guard !table.isEmpty else {
      report(
        line: line, key: key,
        "an empty rule would admit every caller; name a claim such as { role = \"admin\" }")
      return nil
    }
    var conditions: [AccessRule] = []
    var ok = true
    for entry in table.entries {
      let entryKey = "\(key).\(entry.key)"
      let condition: [AccessRule]?
      switch entry.key {
      case "any_of", "all_of":
        condition = readRuleList(entry, key: entryKey, depth: depth).map {
          [entry.key == "any_of" ? .anyOf($0) : .allOf($0)]
        }
      case "present":
        condition = readPresent(entry, key: entryKey)
      default:
        condition = readEquals(entry, key: entryKey).map { [$0] }
      }
      if let condition { conditions += condition } else { ok = false }
    }
    guard ok else { return nil }
    return .allOf(conditions)
  }

  private mutating func readRuleList(_ entry: TOMLTable.Entry, key: String, depth: Int) -> [AccessRule]? {
    guard case .array(let array) = entry.value, !array.elements.isEmpty else {
      report(
        line: entry.valueLine, key: key,
        "expected a non-empty list of rules such as [{ role = \"admin\" }, { group = \"ops\" }]")
      return nil
    }
    var rules: [AccessRule] = []
    var ok = true
    for (index, element) in array.elements.enumerated() {
      guard case .table(let table) = element else {
        report(
          line: array.lines[index], key: "\(key)[\(index)]",
          "expected a rule table, found \(element.typeName)")
        ok = false
        continue
      }
      if let rule = readRule(table, line: array.lines[index], key: "\(key)[\(index)]", depth: depth + 1) {
        rules.append(rule)
      } else {
        ok = false
      }
    }
    return ok ? rules : nil
  }

  private mutating func readPresent(_ entry: TOMLTable.Entry, key: String) -> [AccessRule]? {
    var names: [(String, Int)] = []
    switch entry.value {
    case .string(let name):
      names = [(name, entry.valueLine)]
    case .array(let array) where !array.elements.isEmpty:
      for (index, element) in array.elements.enumerated() {
        guard case .string(let name) = element else {
          report(
            line: array.lines[index], key: "\(key)[\(index)]",
            "expected a claim name, found \(element.typeName)")
          return nil
        }
        names.append((name, array.lines[index]))
      }
    default:
      report(line: entry.valueLine, key: key, "expected a claim name or a non-empty list of names")
      return nil
    }
    var rules: [AccessRule] = []
    for (name, line) in names {
      guard Self.isRuleName(name) else {
        report(line: line, key: key, "\(quoted(name)) is not a claim name (empty or with control characters)")
        return nil
      }
      rules.append(.present(name))
    }
    return rules
  }

  private mutating func readEquals(_ entry: TOMLTable.Entry, key: String) -> AccessRule? {
    guard Self.isRuleName(entry.key) else {
      report(
        line: entry.keyLine, key: key,
        "\(quoted(entry.key)) is not a claim name (empty or with control characters)")
      return nil
    }
    switch entry.value {
    case .string(let text): return .equals(entry.key, .string(text))
    case .integer(let number): return .equals(entry.key, .int(number))
    case .bool(let flag): return .equals(entry.key, .bool(flag))
    case .float:
      report(
        line: entry.valueLine, key: key, "floats do not compare exactly; use a string, integer or boolean")
    case .array:
      report(
        line: entry.valueLine, key: key,
        "a list is ambiguous here; write any_of = [{ \(entry.key) = … }, …] or all_of = [ … ]")
    case .table:
      report(line: entry.valueLine, key: key, "expected a string, integer or boolean, found a table")
    }
    return nil
  }

  static func isRuleName(_ name: String) -> Bool {
    !name.isEmpty && name.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value != 0x7F }
  }
}
