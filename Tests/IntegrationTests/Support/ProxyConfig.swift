/// The TOML the proxy-core tests run with (the keys of the proxy-core spec), with the knobs tests
/// vary. Placeholders are filled by `GatehouseProcess`. Immutable value.
struct ProxyConfig {
  var trustedProxies: [String] = []
  var responseTimeout = "2s"
  var drainTimeout = "5s"
  var maxBodyBytes = 0
  var routes: [(pathPrefix: String, auth: String)] = [("/", "public")]
  /// Extra tables appended before the routes (e.g. `[jwt]` and `[[jwt.issuer]]`).
  var extraTOML = ""
  /// Extra lines of `[limits]`, `[headers]` and `[log]`.
  var limits: [String] = []
  var headers: [String] = []
  var log: [String] = []

  var toml: String {
    let trusted = trustedProxies.map { "\"\($0)\"" }.joined(separator: ", ")
    var text = """
      [server]
      listen = "127.0.0.1:{PORT}"
      workers = 2
      drain_timeout = "\(drainTimeout)"
      trusted_proxies = [\(trusted)]

      [upstream]
      address = "127.0.0.1:{UPSTREAM_PORT}"
      connect_timeout = "1s"
      response_timeout = "\(responseTimeout)"
      max_idle = 8

      [limits]
      header_timeout = "1s"
      idle_timeout = "5s"
      max_header_bytes = 4096
      max_headers = 20
      max_request_line_bytes = 1024
      max_body_bytes = \(maxBodyBytes)
      \(limits.joined(separator: "\n"))

      [admin]
      listen = "127.0.0.1:{ADMIN_PORT}"

      [headers]
      strip = ["X-User-Id", "X-Auth-*", "X-Session-*", "X-Forwarded-User"]
      \(headers.joined(separator: "\n"))

      [log]
      level = "info"
      access_log = true
      \(log.joined(separator: "\n"))

      """
    text += extraTOML
    for route in routes {
      text += "\n[[route]]\npath_prefix = \"\(route.pathPrefix)\"\nauth = \"\(route.auth)\"\n"
    }
    return text
  }
}
