/// Paths named in a configuration file: relative ones start at the file's directory. Pure
/// string work (nothing is opened here). Stateless.
enum ConfigPath {
  /// `path` itself if absolute, otherwise `path` under `base`.
  static func resolve(_ path: String, under base: String) -> String {
    if path.hasPrefix("/") || base.isEmpty { return path }
    return base.hasSuffix("/") ? base + path : base + "/" + path
  }

  /// The directory part of a path: "conf/proxy.conf" → "conf", "proxy.conf" → ".".
  static func directory(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    let directory = String(path[..<slash])
    return directory.isEmpty ? "/" : directory
  }
}
