import Config
import Net

/// Configurations for the static-audit tables: a strong base file whose keys a case overrides,
/// loaded through `ConfigLoader` with in-memory sources (no files, no DNS). Immutable.
enum AuditConfigs {
  /// Random-looking 44-character base64 values, as `head -c 32 /dev/urandom | base64` prints.
  static let key = "q3N8v0dXrJ6yF1mZbT9wK2eHcL5uAoP7sGiY4xRnQhE="
  static let otherKey = "Zt7bQ2mW9xR4kJ1vN6cF8pL3sH0dG5yTaUeXoIrMwB="
  static let environment = [
    "KEY": key, "OTHER_KEY": otherKey, "ADMIN_TOKEN": "uV4n8Rk2Qw7Zp1Lx9Jc3Hs6Tb0Ym5Fg+Dd/Ee=Aa",
    "PLACEHOLDER": "REPLACE-ME-with-head-c-32-dev-urandom-base64", "SHORT": "letmein123",
    "REDIS_PASSWORD": "Nq5Wc8Hr2Lx6Tz0Vb3Ks9Mf1Jd4Gp7Ya+Ue/Io=Ex",
  ]

  /// Sections in file order; each key once. `[[route]]` tables come from `routes`.
  static let base: [(table: String, entries: [(String, String)])] = [
    ("server", [("listen", "\"127.0.0.1:8000\""), ("trusted_proxies", "[]")]),
    ("upstream", [("address", "\"127.0.0.1:8080\"")]),
    ("admin", [("listen", "\"127.0.0.1:9901\"")]),
    ("headers", [("strip", #"["X-User-Id", "X-Auth-*", "X-Session-*", "Gatehouse-*"]"#)]),
    ("log", [("log_query", "false")]),
    ("session", [("keys", #"["env:KEY"]"#)]),
  ]

  static let defaultRoutes = [
    #"name = "public"\#npath_prefix = "/public/"\#nauth = "public""#,
    #"name = "login"\#npath = "/login"\#nauth = "public""#,
    #"name = "app"\#npath_prefix = "/"\#nauth = "session""#,
  ]

  /// The base with `set` applied (`"session.csrf": "false"`; a nil value removes the key, a
  /// table name alone with nil removes the table), `extra` appended before the routes.
  static func text(set: [String: String?] = [:], extra: String = "", routes: [String] = defaultRoutes)
    -> String
  {
    var out = ""
    var used: Set<String> = []
    for (table, entries) in base {
      if let tableValue = set[table], tableValue == nil { continue }
      out += "[\(table)]\n"
      for (key, value) in entries {
        let path = "\(table).\(key)"
        used.insert(path)
        if let override = set[path] {
          if let override { out += "\(key) = \(override)\n" }
        } else {
          out += "\(key) = \(value)\n"
        }
      }
      for (path, value) in set.sorted(by: { $0.key < $1.key })
      where path.hasPrefix(table + ".") && !used.contains(path)
        && !path.dropFirst(table.count + 1).contains(".")
      {
        if let value { out += "\(path.dropFirst(table.count + 1)) = \(value)\n" }
      }
      out += "\n"
    }
    out += extra + "\n"
    for route in routes { out += "[[route]]\n\(route)\n\n" }
    return out
  }

  static let sources = ConfigSources(
    environment: environment,
    readFile: { _, _ in .failure(ConfigSources.ReadFailure(reason: "No such file or directory")) },
    resolve: { host, port in IPAddress(host).map { [SocketAddress(ip: $0, port: port)] } ?? [] },
    onlineCores: 1)

  static func load(_ text: String) throws -> GatehouseConfig {
    try ConfigLoader.parse(text, file: "audit-test.conf", baseDirectory: "/", sources: sources).get()
  }
}
