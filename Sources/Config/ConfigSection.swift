/// One table of the file being validated, with the names used in messages. Loader-local value.
struct ConfigSection {
  /// Dotted prefix of its keys: "server", "route[2]".
  let path: String
  /// How messages name the table: "[server]", "[[route]] #2".
  let title: String
  let table: TOMLTable

  func key(_ name: String) -> String { "\(path).\(name)" }
}
