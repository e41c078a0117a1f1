/// `[[route]]` tables: each needs exactly one of `path_prefix` / `path` and an available `auth`.
extension ConfigReader {
  static let routeKeys = ["name", "path_prefix", "path", "methods", "auth", "on_unauthenticated", "require"]

  mutating func readRoutes(_ root: TOMLTable) -> [RouteSettings] {
    guard let entry = root.entry("route") else { return [] }
    guard case .array(let array) = entry.value else {
      report(
        line: entry.keyLine, key: "route",
        "expected [[route]] (an array of tables), found \(entry.value.typeName); write [[route]], not [route]"
      )
      return []
    }
    var routes: [RouteSettings] = []
    var names: [String: (index: Int, line: Int)] = [:]
    for (index, element) in array.elements.enumerated() {
      let number = index + 1
      guard case .table(let table) = element else {
        report(
          line: array.lines[index], key: "route[\(number)]", "expected a table, found \(element.typeName)")
        continue
      }
      let section = ConfigSection(path: "route[\(number)]", title: "[[route]] #\(number)", table: table)
      let line = table.line > 0 ? table.line : array.lines[index]
      guard
        let route = readRoute(
          section, number: number, line: line, sessionConfigured: root.entry("session") != nil)
      else { continue }
      let nameLine = table.entry("name")?.valueLine ?? line
      if let first = names[route.name] {
        report(
          line: nameLine, key: section.key("name"),
          "duplicate route name \(quoted(route.name)) (also route[\(first.index)] at line \(first.line))")
      } else {
        names[route.name] = (number, nameLine)
      }
      routes.append(route)
    }
    return routes
  }

  /// One route, or nil when it has problems (all reported).
  private mutating func readRoute(
    _ s: ConfigSection, number: Int, line: Int, sessionConfigured: Bool
  ) -> RouteSettings? {
    let before = issues.count
    checkKeys(s, known: Self.routeKeys)
    var name = "route\(number)"
    if let (text, nameLine) = string(s, "name"), !text.isEmpty {
      if text.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }) {
        name = text
      } else {
        report(line: nameLine, key: s.key("name"), "route names cannot contain control characters")
      }
    }
    let prefix = string(s, "path_prefix").flatMap { $0.value.isEmpty ? nil : $0 }
    let exact = string(s, "path").flatMap { $0.value.isEmpty ? nil : $0 }
    var match: RouteMatch?
    switch (prefix, exact) {
    case (nil, nil):
      report(line: line, key: s.path, "a route needs path_prefix or path")
    case (.some, .some(let (_, exactLine))):
      report(line: exactLine, key: s.path, "set either path_prefix or path, not both")
    case (.some(let (path, pathLine)), nil):
      if let problem = ConfigSyntax.routePathProblem(path) {
        report(line: pathLine, key: s.key("path_prefix"), "\(quoted(path)) \(problem)")
      } else {
        match = .prefix(path)
      }
    case (nil, .some(let (path, pathLine))):
      if let problem = ConfigSyntax.routePathProblem(path) {
        report(line: pathLine, key: s.key("path"), "\(quoted(path)) \(problem)")
      } else {
        match = .exact(path)
      }
    }
    var methods: [String] = []
    for (index, (text, methodLine)) in (stringArray(s, "methods") ?? []).enumerated() {
      let method = text.uppercased()
      if !ConfigSyntax.isToken(method) {
        report(
          line: methodLine, key: "\(s.key("methods"))[\(index)]", "\(quoted(text)) is not a valid method")
      } else if methods.contains(method) {
        report(line: methodLine, key: "\(s.key("methods"))[\(index)]", "method \(method) is listed twice")
      } else {
        methods.append(method)
      }
    }
    var auth: AuthPolicy?
    let policies = AuthPolicy.allCases.map(\.rawValue).joined(separator: ", ")
    if let (text, authLine) = string(s, "auth") {
      if let policy = AuthPolicy(rawValue: text) {
        if policy.isAvailable {
          auth = policy
          if policy == .session || policy == .sessionOrJWT, !sessionConfigured {
            report(
              line: authLine, key: s.key("auth"),
              "auth = \(quoted(text)) needs a [session] table (with at least `keys`)")
          }
          if (policy == .jwt || policy == .sessionOrJWT) && jwtIssuerCount == 0 && !jwtConfigured {
            report(
              line: authLine, key: s.key("auth"),
              "auth = \(quoted(text)) needs at least one [[jwt.issuer]] table")
          }
        } else {
          report(
            line: authLine, key: s.key("auth"),
            "auth = \(quoted(text)) is not available in this build yet (planned); use \"public\" or remove the route"
          )
        }
      } else {
        report(line: authLine, key: s.key("auth"), "unknown auth \(quoted(text)); use one of \(policies)")
      }
    } else if s.table.entry("auth") == nil {
      report(
        line: line, key: s.key("auth"), "missing; every route must say who may use it (one of \(policies))")
    }
    var onUnauthenticated = UnauthenticatedAction.auto
    if let (text, actionLine) = string(s, "on_unauthenticated") {
      if let action = UnauthenticatedAction(rawValue: text) {
        onUnauthenticated = action
      } else {
        report(
          line: actionLine, key: s.key("on_unauthenticated"),
          "unknown action \(quoted(text)); use \"auto\", \"redirect\" or \"deny\"")
      }
    }
    var require: AccessRule?
    if let entry = s.table.entry("require") {
      require = readRequire(entry, key: s.key("require"))
      if auth == .publicAccess {
        report(
          line: entry.keyLine, key: s.key("require"),
          "a public route has no caller to judge; use auth = \"session\", \"jwt\" or \"session_or_jwt\" with require"
        )
      }
    }
    guard issues.count == before, let match, let auth else { return nil }
    return RouteSettings(
      name: name, match: match, methods: methods, auth: auth, onUnauthenticated: onUnauthenticated,
      require: require)
  }
}
