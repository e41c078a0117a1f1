import Codecs

/// Builds the login redirect. `next` is always a local path: the request's own origin-form
/// target; a target that a browser could read as another host (`//host`, `/\host`) becomes "/".
enum LoginRedirect {
  static func location(loginURL: String, target: String) -> String {
    var next = target
    if next.hasPrefix("//") || next.hasPrefix("/\\") || !next.hasPrefix("/") { next = "/" }
    let separator = loginURL.contains("?") ? "&" : "?"
    return loginURL + separator + "next=" + percentEncode(next)
  }

  static func percentEncode(_ text: String) -> String { PercentEncoding.encode(text) }
}
