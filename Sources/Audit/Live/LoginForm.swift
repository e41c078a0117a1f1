import Codecs

/// How the audit logs in through the app's own login: `--login PATH`, the method and the form
/// fields, where `{user}` in a path or value becomes the audit's user name. GET puts the fields
/// in the query. Immutable.
public struct LoginForm: Sendable, Equatable {
  public let path: String
  public let method: String
  public let fields: [(name: String, value: String)]

  public init(path: String, method: String = "POST", fields: [(name: String, value: String)]) {
    self.path = path
    self.method = method.uppercased()
    self.fields = fields
  }

  public static func == (a: LoginForm, b: LoginForm) -> Bool {
    a.path == b.path && a.method == b.method && a.fields.map(\.name) == b.fields.map(\.name)
      && a.fields.map(\.value) == b.fields.map(\.value)
  }

  /// The login request for `user`, with `extraHeaders` (a planted cookie, another User-Agent).
  func request(user: String, extraHeaders: [HTTPHeader]) -> ProbeRequest {
    let path = self.path.replacingUser(user)
    let fields = self.fields.map { ($0.name, $0.value.replacingUser(user)) }
    if method == "GET" {
      let query = fields.map { PercentEncoding.encode($0.0) + "=" + PercentEncoding.encode($0.1) }.joined(
        separator: "&")
      let target = query.isEmpty ? path : path + (path.contains("?") ? "&" : "?") + query
      return ProbeRequest("GET", target, headers: extraHeaders)
    }
    return ProbeRequest.form(path, fields: fields, headers: extraHeaders)
  }
}

extension String {
  fileprivate func replacingUser(_ user: String) -> String {
    var out = ""
    var rest = self[...]
    while let range = rest.firstRange(of: "{user}") {
      out += rest[..<range.lowerBound] + user
      rest = rest[range.upperBound...]
    }
    return out + rest
  }
}
