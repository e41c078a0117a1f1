import Foundation
import FuzzSeedSupport
import Logging
import Net
import Sessions
import XCTest

@testable import Config

/// Name resolution without DNS: numeric addresses, plus two fixed names.
private let names: [String: IPAddress] = ["localhost": .v4(0x7F00_0001), "app.internal": .v4(0x0A00_0007)]

private func load(
  _ text: String, environment: [String: String] = [:], baseDirectory: String = "/nonexistent"
) -> Result<GatehouseConfig, ConfigErrors> {
  ConfigLoader.parse(
    text, file: "proxy.conf", baseDirectory: baseDirectory,
    sources: testSources(environment: environment, names: names))
}

private let publicRoute = "\n[[route]]\npath_prefix = \"/\"\nauth = \"public\"\n"

final class ConfigLoaderTests: XCTestCase {
  private func config(_ text: String, _ name: String, environment: [String: String] = [:]) -> GatehouseConfig?
  {
    switch load(text, environment: environment) {
    case .success(let config): return config
    case .failure(let errors):
      XCTFail("\(name): unexpected issues:\n\(errors)")
      return nil
    }
  }

  private func issues(_ text: String, environment: [String: String] = [:]) -> [ConfigIssue] {
    switch load(text, environment: environment) {
    case .success: return []
    case .failure(let errors): return errors.issues
    }
  }

  // MARK: - Defaults and valid values

  func testEmptyFileGivesDefaults() throws {
    let config = try XCTUnwrap(self.config("", "empty file"))
    XCTAssertEqual(config, GatehouseConfig())
    XCTAssertEqual(config.server.listen.description, "0.0.0.0:8000")
    let onSixCores = ConfigLoader.parse(
      "", file: "proxy.conf", baseDirectory: "/", sources: testSources(onlineCores: 6))
    XCTAssertEqual(try onSixCores.get().server.workers, 6, "no workers key: one worker per online core")
    XCTAssertEqual(config.server.drainTimeout, .seconds(20))
    XCTAssertEqual(config.server.trustedProxies, [])
    XCTAssertEqual(config.upstream.address.description, "127.0.0.1:8080")
    XCTAssertEqual(config.upstream.connectTimeout.nanoseconds, 2_000_000_000)
    XCTAssertEqual(config.upstream.responseTimeout, .seconds(30))
    XCTAssertEqual(config.upstream.maxIdle, 64)
    XCTAssertEqual(config.limits.headerTimeout, .seconds(10))
    XCTAssertEqual(config.limits.idleTimeout, .seconds(60))
    XCTAssertEqual(config.limits.maxRequestLineBytes, 8192)
    XCTAssertEqual(config.limits.maxHeaderBytes, 16384)
    XCTAssertEqual(config.limits.maxHeaders, 100)
    XCTAssertEqual(config.limits.maxConnections, 10000)
    XCTAssertEqual(config.limits.maxBodyBytes, 0)
    XCTAssertEqual(config.limits.bodyTimeout, .seconds(20))
    XCTAssertEqual(config.limits.bodyMinRate, 500)
    XCTAssertEqual(config.limits.refusedMethods, ["TRACE", "TRACK"])
    XCTAssertEqual(config.admin.listen?.description, "127.0.0.1:9901")
    XCTAssertNil(config.admin.token)
    XCTAssertEqual(config.headers.strip.count, 7)
    XCTAssertEqual(config.headers.requestIdHeader, "X-Request-Id")
    XCTAssertEqual(
      config.headers.methodOverrideHeaders, ["X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override"])
    XCTAssertTrue(config.headers.stripMethodOverride)
    XCTAssertEqual(config.headers.methodOverrideParams, ["_method"])
    XCTAssertEqual(config.headers.authenticatedCacheControl, "private, no-store")
    XCTAssertEqual(config.log.level, .info)
    XCTAssertEqual(config.log.format, .json)
    XCTAssertTrue(config.log.accessLog)
    XCTAssertFalse(config.log.logQuery)
    XCTAssertEqual(config.log.securityEventsPerSecond, 5)
    XCTAssertEqual(config.log.securityEventsBurst, 20)
    XCTAssertEqual(config.routes, [])
  }

  func testEveryKeyIsRead() throws {
    let text = """
      [server]
      listen = "[::1]:8443"
      workers = 3
      drain_timeout = "1m30s"
      trusted_proxies = ["10.0.0.0/8", "192.168.1.1", "fd00::/8"]
      [upstream]
      address = "app.internal:9000"
      connect_timeout = "500ms"
      response_timeout = "2m"
      max_idle = 0
      [limits]
      header_timeout = "5s"
      idle_timeout = "1h"
      max_request_line_bytes = "4KiB"
      max_header_bytes = "1MiB"
      max_headers = 1000
      max_connections = 5
      max_body_bytes = "10MiB"
      body_timeout = "45s"
      body_min_rate = "1KiB"
      refused_methods = ["TRACE", "PROPFIND"]
      [admin]
      listen = "off"
      token = "literal-token"
      [headers]
      strip = ["X-A", "X-B-*"]
      request_id_header = "X-Trace"
      method_override_headers = ["X-HTTP-Method-Override"]
      strip_method_override = false
      method_override_params = ["_method", "__method"]
      authenticated_cache_control = "no-store"
      [log]
      level = "debug"
      format = "text"
      access_log = false
      log_query = true
      security_events_per_second = 0
      security_events_burst = 7
      [[route]]
      name = "api"
      path_prefix = "/api/"
      methods = ["get", "Post"]
      auth = "public"
      [[route]]
      path = "/exact"
      auth = "public"
      """
    let c = try XCTUnwrap(config(text, "every key"))
    XCTAssertEqual(c.server.listen.description, "[::1]:8443")
    XCTAssertEqual(c.server.workers, 3)
    XCTAssertEqual(c.server.drainTimeout, .seconds(90))
    XCTAssertEqual(c.server.trustedProxies.map(\.description), ["10.0.0.0/8", "192.168.1.1/32", "fd00::/8"])
    XCTAssertEqual(c.upstream.address.description, "10.0.0.7:9000", "host name resolved at load")
    XCTAssertEqual(c.upstream.connectTimeout, .milliseconds(500))
    XCTAssertEqual(c.upstream.responseTimeout, .seconds(120))
    XCTAssertEqual(c.upstream.maxIdle, 0)
    XCTAssertEqual(c.limits.headerTimeout, .seconds(5))
    XCTAssertEqual(c.limits.idleTimeout, .seconds(3600))
    XCTAssertEqual(c.limits.maxRequestLineBytes, 4096)
    XCTAssertEqual(c.limits.maxHeaderBytes, 1 << 20)
    XCTAssertEqual(c.limits.maxHeaders, 1000)
    XCTAssertEqual(c.limits.maxConnections, 5)
    XCTAssertEqual(c.limits.maxBodyBytes, 10 << 20)
    XCTAssertEqual(c.limits.bodyTimeout, .seconds(45))
    XCTAssertEqual(c.limits.bodyMinRate, 1024)
    XCTAssertEqual(c.limits.refusedMethods, ["TRACE", "PROPFIND"])
    XCTAssertNil(c.admin.listen)
    XCTAssertFalse(c.admin.isEnabled)
    XCTAssertEqual(c.admin.token?.revealed, "literal-token")
    XCTAssertEqual(c.headers.strip, ["X-A", "X-B-*"])
    XCTAssertEqual(c.headers.requestIdHeader, "X-Trace")
    XCTAssertEqual(c.headers.methodOverrideHeaders, ["X-HTTP-Method-Override"])
    XCTAssertFalse(c.headers.stripMethodOverride)
    XCTAssertEqual(c.headers.methodOverrideParams, ["_method", "__method"])
    XCTAssertEqual(c.headers.authenticatedCacheControl, "no-store")
    XCTAssertEqual(c.log.level, .debug)
    XCTAssertEqual(c.log.format, .text)
    XCTAssertFalse(c.log.accessLog)
    XCTAssertTrue(c.log.logQuery)
    XCTAssertEqual(c.log.securityEventsPerSecond, 0)
    XCTAssertEqual(c.log.securityEventsBurst, 7)
    XCTAssertEqual(
      c.routes,
      [
        RouteSettings(name: "api", match: .prefix("/api/"), methods: ["GET", "POST"], auth: .publicAccess),
        RouteSettings(name: "route2", match: .exact("/exact"), methods: [], auth: .publicAccess),
      ])
  }

  func testWorkersZeroMeansOnlineCores() throws {
    let cases: [(name: String, cores: Int, workers: Int)] = [
      ("six cores", 6, 6), ("reported 0 counts as 1", 0, 1),
      ("more cores than workers may be", 1000, ServerSettings.maxWorkers),
    ]
    for c in cases {
      let result = ConfigLoader.parse(
        "[server]\nworkers = 0", file: "proxy.conf", baseDirectory: "/",
        sources: testSources(onlineCores: c.cores))
      guard case .success(let config) = result else { return XCTFail("\(c.name): \(result)") }
      XCTAssertEqual(config.server.workers, c.workers, c.name)
    }
  }

  // MARK: - Validation of each key

  func testInvalidValues() {
    let cases: [(name: String, toml: String, line: Int, key: String, message: String)] = [
      (
        "listen not an address", "[server]\nlisten = \"8000\"", 2, "server.listen", "invalid address \"8000\""
      ),
      ("listen bare ipv6", "[server]\nlisten = \"::1:80\"", 2, "server.listen", "invalid address"),
      ("listen port too big", "[server]\nlisten = \"0.0.0.0:70000\"", 2, "server.listen", "invalid address"),
      (
        "listen unresolvable", "[server]\nlisten = \"nowhere.invalid:80\"", 2, "server.listen",
        "cannot resolve host"
      ),
      (
        "listen wrong type", "[server]\nlisten = 8000", 2, "server.listen", "expected a string, found integer"
      ),
      ("workers too many", "[server]\nworkers = 257", 2, "server.workers", "out of range (0...256)"),
      (
        "refused method not a token", "[limits]\nrefused_methods = [\"TRACE\", \"BAD METHOD\"]", 2,
        "limits.refused_methods[1]", "not a valid method"
      ),
      ("body timeout zero", "[limits]\nbody_timeout = \"0s\"", 2, "limits.body_timeout", "out of range"),
      (
        "body min rate negative", "[limits]\nbody_min_rate = -1", 2, "limits.body_min_rate",
        "must not be negative"
      ),
      (
        "override header not a token", "[headers]\nmethod_override_headers = [\"X:Y\"]", 2,
        "headers.method_override_headers[0]", "not a valid header name"
      ),
      (
        "override param with =", "[headers]\nmethod_override_params = [\"a=b\"]", 2,
        "headers.method_override_params[0]", "not a plain query parameter name"
      ),
      (
        "cache-control with a line break", "[headers]\nauthenticated_cache_control = \"a\\r\\nX: y\"", 2,
        "headers.authenticated_cache_control", "not a valid header value"
      ),
      (
        "security burst zero", "[log]\nsecurity_events_burst = 0", 2, "log.security_events_burst",
        "out of range"
      ),
      ("workers negative", "[server]\nworkers = -1", 2, "server.workers", "out of range"),
      (
        "workers as string", "[server]\nworkers = \"4\"", 2, "server.workers",
        "expected an integer, found string"
      ),
      (
        "drain too long", "[server]\ndrain_timeout = \"2h\"", 2, "server.drain_timeout",
        "out of range (0s to 1h)"
      ),
      (
        "trusted proxy invalid", "[server]\ntrusted_proxies = [\n\"10.0.0.0/8\",\n\"10.0.0.0/33\"]", 4,
        "server.trusted_proxies[1]", "invalid CIDR \"10.0.0.0/33\""
      ),
      (
        "trusted proxy not a string", "[server]\ntrusted_proxies = [8]", 2, "server.trusted_proxies[0]",
        "expected a string"
      ),
      (
        "trusted proxies not an array", "[server]\ntrusted_proxies = \"10.0.0.0/8\"", 2,
        "server.trusted_proxies", "expected an array of strings"
      ),
      ("upstream port 0", "[upstream]\naddress = \"127.0.0.1:0\"", 2, "upstream.address", "port 0"),
      (
        "connect timeout unit", "[upstream]\nconnect_timeout = \"2x\"", 2, "upstream.connect_timeout",
        "invalid duration \"2x\" (use a number with ms, s, m or h)"
      ),
      (
        "connect timeout zero", "[upstream]\nconnect_timeout = \"0s\"", 2, "upstream.connect_timeout",
        "out of range"
      ),
      (
        "duration as integer", "[upstream]\nconnect_timeout = 2", 2, "upstream.connect_timeout",
        "expected a duration string such as \"30s\""
      ),
      (
        "response timeout too long", "[upstream]\nresponse_timeout = \"25h\"", 2, "upstream.response_timeout",
        "out of range"
      ),
      (
        "max idle too many", "[upstream]\nmax_idle = 10001", 2, "upstream.max_idle",
        "out of range (0...10000)"
      ),
      (
        "header timeout invalid", "[limits]\nheader_timeout = \"ten\"", 2, "limits.header_timeout",
        "invalid duration"
      ),
      ("idle timeout zero", "[limits]\nidle_timeout = \"0ms\"", 2, "limits.idle_timeout", "out of range"),
      (
        "request line too small", "[limits]\nmax_request_line_bytes = 100", 2,
        "limits.max_request_line_bytes", "out of range (256 to 1MiB)"
      ),
      (
        "header bytes too small", "[limits]\nmax_header_bytes = 512", 2, "limits.max_header_bytes",
        "out of range (1KiB to 1MiB)"
      ),
      (
        "header bytes too big", "[limits]\nmax_header_bytes = \"2MiB\"", 2, "limits.max_header_bytes",
        "out of range"
      ),
      (
        "header bytes decimal unit", "[limits]\nmax_header_bytes = \"16KB\"", 2, "limits.max_header_bytes",
        "invalid size \"16KB\""
      ),
      ("size negative", "[limits]\nmax_body_bytes = -1", 2, "limits.max_body_bytes", "must not be negative"),
      ("size as float", "[limits]\nmax_body_bytes = 1.5", 2, "limits.max_body_bytes", "expected a size"),
      ("max headers zero", "[limits]\nmax_headers = 0", 2, "limits.max_headers", "out of range (1...1000)"),
      ("max headers too many", "[limits]\nmax_headers = 1001", 2, "limits.max_headers", "out of range"),
      ("max connections zero", "[limits]\nmax_connections = 0", 2, "limits.max_connections", "out of range"),
      ("admin listen empty", "[admin]\nlisten = \"\"", 2, "admin.listen", "use \"off\""),
      ("admin listen invalid", "[admin]\nlisten = \"localhost\"", 2, "admin.listen", "invalid address"),
      ("admin token wrong type", "[admin]\ntoken = 123", 2, "admin.token", "expected a string"),
      (
        "strip wildcard in middle", "[headers]\nstrip = [\"X-*-Id\"]", 2, "headers.strip[0]",
        "only allowed at the end"
      ),
      ("strip everything", "[headers]\nstrip = [\"X-A\", \"*\"]", 2, "headers.strip[1]", "every header"),
      ("strip bad name", "[headers]\nstrip = [\"X User\"]", 2, "headers.strip[0]", "not a valid header name"),
      (
        "request id header invalid", "[headers]\nrequest_id_header = \"X Id\"", 2,
        "headers.request_id_header", "not a valid header name"
      ),
      (
        "request id header empty", "[headers]\nrequest_id_header = \"\"", 2, "headers.request_id_header",
        "not a valid header name"
      ),
      (
        "log level unknown", "[log]\nlevel = \"verbose\"", 2, "log.level",
        "unknown level \"verbose\"; use one of trace, debug"
      ),
      ("log format unknown", "[log]\nformat = \"xml\"", 2, "log.format", "use json or text"),
      (
        "access log not bool", "[log]\naccess_log = \"yes\"", 2, "log.access_log",
        "expected true or false, found string"
      ),
      ("table as value", "server = 1", 1, "server", "expected a table [server], found integer"),
      ("single route table", "[route]\npath = \"/\"", 1, "route", "write [[route]], not [route]"),
    ]
    FuzzSeeds.record("toml", cases.map(\.toml))
    for c in cases {
      let found = issues(c.toml)
      guard found.count == 1, let issue = found.first else {
        XCTFail("\(c.name): expected one issue, got \(found.map(\.description))")
        continue
      }
      XCTAssertEqual(issue.line, c.line, "\(c.name): \(issue)")
      XCTAssertEqual(issue.key, c.key, "\(c.name): \(issue)")
      XCTAssertTrue(
        issue.message.contains(c.message), "\(c.name): \"\(issue.message)\" lacks \"\(c.message)\"")
    }
  }

  func testUnknownKeysAndTables() {
    let cases: [(name: String, toml: String, line: Int, key: String, message: String)] = [
      (
        "misspelt key", "[server]\nworkers = 2\nlistn = \"0.0.0.0:1\"", 3, "server.listn",
        "unknown key `listn` in [server]; did you mean `listen`?"
      ),
      (
        "unknown key, no suggestion", "[upstream]\nhost = \"x\"", 2, "upstream.host",
        "unknown key `host` in [upstream]; known keys: address"
      ),
      (
        "unknown table", "\n[servr]\nlisten = \"x\"", 2, "servr",
        "unknown table [servr]; did you mean [server]?"
      ),
      (
        "unknown array of tables", "[[routes]]\npath = \"/\"", 1, "routes",
        "unknown table [[routes]]; did you mean [[route]]?"
      ),
      (
        "unknown nested table", "[server]\n[server.tls]\ncert = \"x\"", 2, "server.tls",
        "unknown table [server.tls]"
      ),
      ("top-level key", "listen = \"0.0.0.0:1\"", 1, "listen", "unknown top-level key `listen`"),
      (
        "unknown route key", "[[route]]\npath = \"/\"\nauth = \"public\"\nmethod = [\"GET\"]", 4,
        "route[1].method", "did you mean `methods`?"
      ),
      ("dotted unknown key", "[log]\nlevel.x = 1", 2, "log.level", "expected a string"),
    ]
    FuzzSeeds.record("toml", cases.map(\.toml))
    for c in cases {
      let found = issues(c.toml)
      guard found.count == 1, let issue = found.first else {
        XCTFail("\(c.name): expected one issue, got \(found.map(\.description))")
        continue
      }
      XCTAssertEqual(issue.line, c.line, "\(c.name): \(issue)")
      XCTAssertEqual(issue.key, c.key, "\(c.name): \(issue)")
      XCTAssertTrue(
        issue.message.contains(c.message), "\(c.name): \"\(issue.message)\" lacks \"\(c.message)\"")
    }
  }

  func testAllProblemsAreReportedTogetherInLineOrder() {
    let text = """
      [upstream]
      connect_timeout = "2x"
      address = "nowhere"

      [server]
      listn = "0.0.0.0:8000"
      workers = 1000

      [log]
      level = "loud"

      [[route]]
      path = "/a"
      auth = "jwt"

      [[route]]
      auth = "public"
      """
    let found = issues(text)
    XCTAssertEqual(
      found.map { "\($0.line) \($0.key)" },
      [
        "2 upstream.connect_timeout", "3 upstream.address", "6 server.listn", "7 server.workers",
        "10 log.level",
        "14 route[1].auth", "16 route[2]",
      ])
    XCTAssertEqual(
      found.first?.description,
      "proxy.conf:2: upstream.connect_timeout: invalid duration \"2x\" (use a number with ms, s, m or h)")
    let errors = ConfigErrors(issues: found)
    XCTAssertEqual(errors.description.split(separator: "\n").count, found.count, "one issue per line")
  }

  func testSyntaxErrorIsOneIssueWithLine() {
    let found = issues("[server]\nlisten = \"0.0.0.0:1\"\nworkers = = 2\n")
    XCTAssertEqual(found.count, 1)
    XCTAssertEqual(found.first?.line, 3)
    XCTAssertEqual(found.first?.key, "")
    XCTAssertTrue(found.first?.description.hasPrefix("proxy.conf:3: expected a value") == true, "\(found)")
  }

  // MARK: - Routes

  func testRouteValidation() {
    let cases: [(name: String, toml: String, expected: [String])] = [
      (
        "neither path form", "[[route]]\nauth = \"public\"", ["1 route[1]: a route needs path_prefix or path"]
      ),
      (
        "both path forms", "[[route]]\npath_prefix = \"/a\"\npath = \"/b\"\nauth = \"public\"",
        ["3 route[1]: set either path_prefix or path, not both"]
      ),
      (
        "empty forms count as absent", "[[route]]\npath_prefix = \"\"\npath = \"\"\nauth = \"public\"",
        ["1 route[1]: a route needs path_prefix or path"]
      ),
      (
        "relative path", "[[route]]\npath = \"api\"\nauth = \"public\"",
        ["2 route[1].path: \"api\" must start with \"/\""]
      ),
      (
        "query in prefix", "[[route]]\npath_prefix = \"/a?b\"\nauth = \"public\"",
        [
          "2 route[1].path_prefix: \"/a?b\" contains `?`; routes match the path only, without query or fragment"
        ]
      ),
      (
        "missing auth", "[[route]]\npath = \"/\"",
        [
          "1 route[1].auth: missing; every route must say who may use it (one of public, jwt, session, session_or_jwt)"
        ]
      ),
      (
        "unknown auth", "[[route]]\npath = \"/\"\nauth = \"none\"",
        ["3 route[1].auth: unknown auth \"none\"; use one of public, jwt, session, session_or_jwt"]
      ),
      (
        "auth wrong type", "[[route]]\npath = \"/\"\nauth = true",
        ["3 route[1].auth: expected a string, found boolean"]
      ),
      (
        "session without [session]", "[[route]]\npath = \"/\"\nauth = \"session\"",
        ["3 route[1].auth: auth = \"session\" needs a [session] table (with at least `keys`)"]
      ),
      (
        "session without [session]", "[[route]]\npath = \"/\"\nauth = \"session\"",
        ["3 route[1].auth: auth = \"session\" needs a [session] table (with at least `keys`)"]
      ),
      (
        "session_or_jwt without [session]", "[[route]]\npath = \"/\"\nauth = \"session_or_jwt\"",
        [
          "3 route[1].auth: auth = \"session_or_jwt\" needs a [session] table (with at least `keys`)",
          "3 route[1].auth: auth = \"session_or_jwt\" needs at least one [[jwt.issuer]] table",
        ]
      ),
      (
        "unknown on_unauthenticated",
        "[[route]]\npath = \"/\"\nauth = \"public\"\non_unauthenticated = \"login\"",
        ["4 route[1].on_unauthenticated: unknown action \"login\"; use \"auto\", \"redirect\" or \"deny\""]
      ),
      (
        "bad method", "[[route]]\npath = \"/\"\nmethods = [\"GET\", \"PO ST\"]\nauth = \"public\"",
        ["3 route[1].methods[1]: \"PO ST\" is not a valid method"]
      ),
      (
        "duplicate method", "[[route]]\npath = \"/\"\nmethods = [\"get\", \"GET\"]\nauth = \"public\"",
        ["3 route[1].methods[1]: method GET is listed twice"]
      ),
      (
        "duplicate names",
        "[[route]]\nname = \"a\"\npath = \"/x\"\nauth = \"public\"\n[[route]]\nname = \"a\"\npath = \"/y\"\nauth = \"public\"",
        ["6 route[2].name: duplicate route name \"a\" (also route[1] at line 2)"]
      ),
      (
        "explicit name equals a default name",
        "[[route]]\npath = \"/x\"\nauth = \"public\"\n[[route]]\nname = \"route1\"\npath = \"/y\"\nauth = \"public\"",
        ["5 route[2].name: duplicate route name \"route1\" (also route[1] at line 1)"]
      ),
      ("route as inline array element", "route = [1]", ["1 route[1]: expected a table, found integer"]),
      (
        "problems in two routes",
        "[[route]]\npath = \"x\"\nauth = \"public\"\n[[route]]\npath = \"/\"\nauth = \"jwt\"",
        [
          "2 route[1].path: \"x\" must start with \"/\"",
          "6 route[2].auth: auth = \"jwt\" needs at least one [[jwt.issuer]] table",
        ]
      ),
    ]
    for c in cases {
      let found = issues(c.toml).map { "\($0.line) \($0.key): \($0.message)" }
      XCTAssertEqual(found, c.expected, c.name)
    }
  }

  func testEveryPolicyIsAvailable() {
    for policy in AuthPolicy.allCases {
      XCTAssertTrue(policy.isAvailable, policy.rawValue)
    }
  }

  func testRoutesKeepOrderAndDefaultNames() throws {
    let text = """
      [[route]]
      path = "/health"
      auth = "public"
      [[route]]
      name = "assets"
      path_prefix = "/public/"
      auth = "public"
      [[route]]
      path_prefix = "/"
      methods = []
      auth = "public"
      """
    let c = try XCTUnwrap(config(text, "ordered routes"))
    XCTAssertEqual(c.routes.map(\.name), ["route1", "assets", "route3"])
    XCTAssertEqual(c.routes.map(\.match), [.exact("/health"), .prefix("/public/"), .prefix("/")])
  }

  // MARK: - Secrets

  func testEnvironmentSecrets() {
    let cases:
      [(name: String, token: String, environment: [String: String], revealed: String?, message: String?)] = [
        ("env set", "env:ADMIN_TOKEN", ["ADMIN_TOKEN": "s3cret"], "s3cret", nil),
        ("env missing", "env:ADMIN_TOKEN", [:], nil, "environment variable ADMIN_TOKEN is not set"),
        (
          "env empty", "env:ADMIN_TOKEN", ["ADMIN_TOKEN": ""], nil,
          "environment variable ADMIN_TOKEN is empty"
        ),
        ("env without name", "env:", [:], nil, "`env:` needs a variable name"),
        ("literal", "plain-value", [:], "plain-value", nil),
        ("empty means none", "", [:], nil, nil),
      ]
    for c in cases {
      let result = load("[admin]\ntoken = \"\(c.token)\"", environment: c.environment)
      switch (result, c.message) {
      case (.success(let config), nil):
        XCTAssertEqual(config.admin.token?.revealed, c.revealed, c.name)
      case (.failure(let errors), let message?):
        XCTAssertEqual(errors.issues.count, 1, c.name)
        XCTAssertEqual(errors.issues.first?.line, 2, c.name)
        XCTAssertEqual(errors.issues.first?.key, "admin.token", c.name)
        XCTAssertEqual(errors.issues.first?.message, message, c.name)
      case (.success, _?):
        XCTFail("\(c.name): expected an issue")
      case (.failure(let errors), nil):
        XCTFail("\(c.name): unexpected issues \(errors)")
      }
    }
  }

  func testFileSecretsAndLoadFromPath() throws {
    let directory = "/etc/gatehouse"
    let secrets = ["\(directory)/admin.token": "tok-from-file\n", "\(directory)/empty.token": "\n"]
    let absolute = "\(directory)/admin.token"

    let cases: [(name: String, token: String, revealed: String?, message: String?)] = [
      ("relative to the config file", "file:admin.token", "tok-from-file", nil),
      ("absolute path", "file:\(absolute)", "tok-from-file", nil),
      (
        "missing file", "file:missing.token", nil,
        "cannot read secret file \(directory)/missing.token: No such file or directory"
      ),
      ("empty file", "file:empty.token", nil, "secret file \(directory)/empty.token is empty"),
    ]
    for c in cases {
      let path = "\(directory)/proxy.conf"
      var files = secrets
      files[path] = "# admin\n[admin]\ntoken = \"\(c.token)\"\n"
      switch (ConfigLoader.load(path: path, sources: testSources(files: files)), c.message) {
      case (.success(let config), nil):
        XCTAssertEqual(config.admin.token?.revealed, c.revealed, c.name)
      case (.failure(let errors), let message?):
        XCTAssertEqual(errors.issues.map(\.message), [message], c.name)
        XCTAssertEqual(errors.issues.first?.line, 3, c.name)
        XCTAssertEqual(errors.issues.first?.file, path, c.name)
      case (.success, _?):
        XCTFail("\(c.name): expected an issue")
      case (.failure(let errors), nil):
        XCTFail("\(c.name): unexpected issues \(errors)")
      }
    }
  }

  /// `gatehouse audit` reports secrets written into the file, so each secret keeps its origin.
  func testSecretsRememberTheirOrigin() throws {
    let path = "/etc/gatehouse/proxy.conf"
    let files = [
      path:
        "[admin]\ntoken = \"file:admin.token\"\n[session]\nkeys = [\"env:KEY\", \"\(String(repeating: "k", count: 32))\"]\n",
      "/etc/gatehouse/admin.token": "tok-from-file\n",
    ]
    let environment = ["KEY": String(repeating: "e", count: 32)]
    let config = try ConfigLoader.load(
      path: path, sources: testSources(environment: environment, files: files)
    ).get()
    XCTAssertEqual(config.admin.token?.origin, .file("/etc/gatehouse/admin.token"))
    XCTAssertEqual(config.session?.keys.map(\.origin), [.environment("KEY"), .literal])
  }

  func testUnreadableFileIsOneIssueOnLineZero() {
    let result = ConfigLoader.load(path: "/nonexistent/gatehouse/proxy.conf", sources: testSources())
    guard case .failure(let errors) = result else { return XCTFail("loaded a missing file") }
    XCTAssertEqual(errors.issues.count, 1)
    XCTAssertEqual(errors.issues.first?.line, 0)
    XCTAssertEqual(
      errors.description, "/nonexistent/gatehouse/proxy.conf: cannot read file: No such file or directory")
  }

  // MARK: - Example file and redacted dump

  func testExampleFileLoads() throws {
    let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
      "../../proxy.conf.example"
    ).standardized.path
    // The example is this test's input: read it here and hand it to the loader as its only file.
    let example = [path: try String(contentsOfFile: path, encoding: .utf8)]
    FuzzSeeds.record("toml", Array(example.values))
    let sessionKey = String(repeating: "k", count: 48)
    let result = ConfigLoader.load(
      path: path, sources: testSources(environment: ["GATEHOUSE_SESSION_KEY": sessionKey], files: example))
    let config: GatehouseConfig
    switch result {
    case .success(let loaded): config = loaded
    case .failure(let errors): return XCTFail("proxy.conf.example:\n\(errors)")
    }
    let defaults = GatehouseConfig()
    XCTAssertEqual(config.server, defaults.server, "example shows the defaults")
    XCTAssertEqual(config.upstream, defaults.upstream)
    XCTAssertEqual(config.limits, defaults.limits)
    XCTAssertEqual(config.admin, defaults.admin)
    XCTAssertEqual(config.headers, defaults.headers)
    XCTAssertEqual(config.log, defaults.log)
    XCTAssertEqual(
      config.routes.map(\.match),
      [
        .prefix("/public/"), .exact("/health"), .exact("/login"), .exact("/logout"), .prefix("/admin/"),
        .prefix("/"),
      ])
    XCTAssertEqual(
      config.routes.map(\.auth), [.publicAccess, .publicAccess, .publicAccess, .session, .session, .session],
      "logout is a session route: its form carries the CSRF token")
    XCTAssertEqual(config.routes.last?.onUnauthenticated, .auto)
    XCTAssertEqual(
      config.routes.first { $0.name == "admin" }?.require, .allOf([.equals("role", .string("admin"))]))
    // The defaults, but for the two features the example (the demo's config) turns on.
    var examplePolicy = SessionPolicy()
    examplePolicy.bindFingerprint = ["user-agent", "accept", "accept-language", "accept-encoding"]
    var exampleSession = SessionSettings(keys: [Secret(sessionKey)], policy: examplePolicy)
    exampleSession.vaultCookies = ["legacy_sid"]
    XCTAssertEqual(config.session, exampleSession, "example shows the session defaults")
    if case .failure(let errors) = ConfigLoader.load(path: path, sources: testSources(files: example)) {
      XCTAssertEqual(
        errors.issues.map(\.message), ["environment variable GATEHOUSE_SESSION_KEY is not set"],
        "the example needs the session key from the environment")
    } else {
      XCTFail("the example loaded without GATEHOUSE_SESSION_KEY")
    }

    // Every key the loader knows appears in the example, each with a comment line above it.
    let text = example[path]!
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let known: [(table: String, keys: [String])] = [
      ("server", ["listen", "workers", "drain_timeout", "trusted_proxies"]),
      ("upstream", ["address", "connect_timeout", "response_timeout", "max_idle"]),
      (
        "limits",
        [
          "header_timeout", "idle_timeout", "max_request_line_bytes", "max_header_bytes", "max_headers",
          "max_connections", "max_body_bytes",
        ]
      ),
      ("admin", ["listen", "token"]), ("headers", ["strip", "request_id_header"]),
      ("log", ["level", "format", "access_log", "log_query"]), ("route", ConfigReader.routeKeys),
      ("session", ConfigReader.sessionKeys.filter { !["cache", "migration", "detect"].contains($0) }),
      ("session.cache", ConfigReader.sessionCacheKeys),
    ]
    let root = try TOMLParser.parse(text)
    for (table, keys) in known {
      var found: TOMLValue? = .table(root)
      for part in table.split(separator: ".") {
        guard case .table(let inner)? = found else { break }
        found = inner[String(part)]
      }
      XCTAssertNotNil(found, "example has [\(table)]")
      for key in keys {
        guard let index = lines.firstIndex(where: { $0.hasPrefix("\(key) = ") && isIn(table, $0, lines) })
        else {
          XCTFail("example lacks \(table).\(key)")
          continue
        }
        XCTAssertTrue(lines[index - 1].hasPrefix("#"), "\(table).\(key) has a comment line above it")
      }
    }
    // [session.detect] is shown commented out, every key with its default and a comment.
    for key in ConfigReader.sessionDetectKeys {
      guard let index = lines.firstIndex(where: { $0.hasPrefix("#\(key) = ") }) else {
        XCTFail("example lacks session.detect.\(key)")
        continue
      }
      XCTAssertTrue(lines[index - 1].hasPrefix("##"), "session.detect.\(key) has a comment line above it")
    }
  }

  /// Whether `line` sits under the `[table]` / `[[table]]` header.
  private func isIn(_ table: String, _ line: String, _ lines: [String]) -> Bool {
    guard let index = lines.firstIndex(of: line) else { return false }
    let header = lines[..<index].last { $0.hasPrefix("[") }
    return header == "[\(table)]" || header == "[[\(table)]]"
  }

  func testRedactedDescriptionReadsBackAndHidesSecrets() throws {
    let text = """
      [server]
      listen = "127.0.0.1:0"
      workers = 2
      drain_timeout = "1m30s"
      trusted_proxies = ["10.0.0.0/8", "::1"]
      [upstream]
      connect_timeout = "250ms"
      [admin]
      token = "env:TOKEN"
      [headers]
      strip = ["X-Odd", "X-A-*"]
      [log]
      level = "warning"
      [[route]]
      name = "a \\"quoted\\" name"
      path_prefix = "/p/"
      methods = ["GET"]
      auth = "public"
      [[route]]
      path = "/x"
      auth = "public"
      """
    let original = try XCTUnwrap(config(text, "redacted source", environment: ["TOKEN": "t0p-secret"]))
    let dumped = original.redactedDescription()
    XCTAssertFalse(dumped.contains("t0p-secret"), dumped)
    XCTAssertTrue(dumped.contains("token = \"<redacted>\""), dumped)
    let reread = try XCTUnwrap(config(dumped, "redacted read back"))
    XCTAssertEqual(reread.admin.token?.revealed, "<redacted>")
    XCTAssertEqual(
      GatehouseConfig(
        server: reread.server, upstream: reread.upstream, limits: reread.limits,
        admin: AdminSettings(listen: reread.admin.listen, token: original.admin.token),
        headers: reread.headers,
        log: reread.log, routes: reread.routes),
      original)
    let defaults = try XCTUnwrap(config(GatehouseConfig().redactedDescription(), "defaults read back"))
    XCTAssertEqual(defaults, GatehouseConfig())
    XCTAssertTrue(GatehouseConfig().redactedDescription().contains("token = \"\""))
  }

  func testAdminOffReadsBack() throws {
    let c = try XCTUnwrap(config("[admin]\nlisten = \"off\"" + publicRoute, "admin off"))
    let reread = try XCTUnwrap(config(c.redactedDescription(), "admin off read back"))
    XCTAssertNil(reread.admin.listen)
    XCTAssertEqual(reread, c)
  }
}
