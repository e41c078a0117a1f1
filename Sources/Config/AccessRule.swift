public import JWT

/// A route's `require` rule (`[[route]] require = { role = "admin" }`): what an authenticated
/// caller must carry, judged against its session attributes or its token's claims after
/// authentication. Pure and immutable; the values it compares come from a lookup the caller
/// supplies (docs/security.md, "Per-route authorization").
///
///     { role = "admin" }                  the value equals "admin", or is an array containing it
///     { present = "mfa" }                 the value exists (any value but null); also a list of names
///     { any_of = [{ role = "admin" }, { group = "ops" }] }   at least one sub-rule holds
///     { all_of = [ … ] }                  every sub-rule holds
///
/// Several keys in one table must all hold. Comparison is exact and typed (`"1"` ≠ `1`).
public indirect enum AccessRule: Sendable, Equatable {
  /// The value of `name` equals the scalar, or is an array with an element equal to it.
  case equals(String, JSONValue)
  /// `name` has a value (not null).
  case present(String)
  case anyOf([AccessRule])
  case allOf([AccessRule])

  /// Whether the rule holds for the values `lookup` gives by name (nil: absent).
  public func holds(_ lookup: (String) -> JSONValue?) -> Bool {
    switch self {
    case .equals(let name, let expected):
      guard let value = lookup(name) else { return false }
      if case .array(let elements) = value { return elements.contains(expected) }
      return value == expected
    case .present(let name):
      guard let value = lookup(name) else { return false }
      return value != .null
    case .anyOf(let rules):
      for rule in rules where rule.holds(lookup) { return true }
      return false
    case .allOf(let rules):
      for rule in rules where !rule.holds(lookup) { return false }
      return true
    }
  }

  /// The label of the first condition that fails (of the top-level table: `role`, `present:mfa`,
  /// `any_of`), or nil when the rule holds. Names only, never values: it goes into the security
  /// log.
  public func firstFailure(_ lookup: (String) -> JSONValue?) -> String? {
    if case .allOf(let rules) = self {
      for rule in rules where !rule.holds(lookup) { return rule.label }
      return nil
    }
    return holds(lookup) ? nil : label
  }

  /// How logs name this condition.
  public var label: String {
    switch self {
    case .equals(let name, _): name
    case .present(let name): "present:" + name
    case .anyOf: "any_of"
    case .allOf: "all_of"
    }
  }

  /// Every claim or attribute name the rule reads (a JWT issuer must decode these claims).
  public var names: [String] {
    switch self {
    case .equals(let name, _), .present(let name): [name]
    case .anyOf(let rules), .allOf(let rules): rules.flatMap(\.names)
    }
  }

  /// The rule as an inline TOML table (the effective configuration); reads back as the same rule.
  public var toml: String {
    guard case .allOf(let members) = self else { return "{ " + Self.members([self]) + " }" }
    return "{ " + Self.members(members) + " }"
  }

  /// The members of one table; `present` conditions share one key.
  private static func members(_ rules: [AccessRule]) -> String {
    var out: [String] = []
    var present: [String] = []
    for rule in rules {
      switch rule {
      case .equals(let name, let value): out.append(key(name) + " = " + tomlScalar(value))
      case .present(let name): present.append(name)
      case .anyOf(let rules): out.append("any_of = [" + rules.map(\.toml).joined(separator: ", ") + "]")
      case .allOf(let rules): out.append("all_of = [" + rules.map(\.toml).joined(separator: ", ") + "]")
      }
    }
    if !present.isEmpty { out.append("present = " + TOMLWriter.stringArray(present)) }
    return out.joined(separator: ", ")
  }

  private static func key(_ name: String) -> String {
    let bare = name.utf8.allSatisfy { byte in
      (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
        || byte == 0x5F || byte == 0x2D
    }
    return bare && !name.isEmpty ? name : TOMLWriter.basicString(name)
  }

  private static func tomlScalar(_ value: JSONValue) -> String {
    switch value {
    case .string(let text): TOMLWriter.basicString(text)
    default: value.description
    }
  }
}
