import Config
import EventLoop
import HTTP1
import Net
import Sessions
import XCTest

@testable import Proxy

/// The one header pass (`StripPhase` → `HeaderIndex`) finds exactly what a plain walk over the
/// fields finds: a table of named heads, then randomised heads.
final class HeaderIndexTests: XCTestCase {
  static let sessionRuntime = RuntimeConfig.testing(
    session: SessionSettings(keys: [Secret(String(repeating: "k", count: 32))]))
  /// `strip_method_override = false`: the override headers are forwarded (and still read).
  static let keepOverridesRuntime = RuntimeConfig.testing(
    hardening: HardeningRules(stripMethodOverride: false))

  func testTable() throws {
    let cases: [(name: String, fields: [String])] = [
      ("nothing special", ["Host: a", "Accept-Language: en"]),
      (
        "identity headers",
        ["Host: a", "X-User-Id: mallory", "x_user_id: eve", "X-Auth-Role: admin", "Gatehouse-Login: x"]
      ),
      (
        "credentials",
        ["Host: a", "Authorization: Bearer a", "Cookie: a=1", "cookie: b=2", "Authorization: Basic b"]
      ),
      (
        "browser fields",
        [
          "Host: a", "User-Agent: ua", "Origin: https://a", "Sec-Fetch-Site: same-origin",
          "Accept: text/html", "accept: */*", "Content-Type: text/plain",
        ]
      ),
      (
        "forwarded",
        [
          "Host: a", "X-Forwarded-For: 1.1.1.1", "X-Forwarded-Proto: https", "X-Forwarded-Host: b",
          "x-forwarded-for: 2.2.2.2", "X-Forwarded-Proto: http",
        ]
      ),
      ("trace", ["Host: a", "traceparent: x", "tracestate: y", "X-Request-Id: r1", "x-request-id: r2"]),
      ("csrf", ["Host: a", "X-CSRF-Token: t1", "x_csrf_token: t2"]),
      ("nominated", ["Host: a", "Connection: keep-alive, x-user-id", "X-User-Id: m", "Keep-Alive: 5"]),
      ("strip before credentials", ["Host: a", "Authorization: Bearer a", "X-Session-Token: s"]),
      (
        "method overrides",
        [
          "Host: a", "Accept: x", "X-HTTP-Method-Override: DELETE", "x-http-method: PUT",
          "X-Method-Override: GET",
        ]
      ),
    ]
    for runtime in [RuntimeConfig.testing(), Self.sessionRuntime, Self.keepOverridesRuntime] {
      for c in cases {
        let request = try ParsedRequest(
          "GET / HTTP/1.1\r\n" + c.fields.joined(separator: "\r\n") + "\r\n\r\n")
        try check(request, runtime: runtime, c.name)
      }
    }
  }

  func testRandomisedHeads() throws {
    let names = [
      "Host-X", "Authorization", "authorization", "Cookie", "COOKIE", "User-Agent", "Origin",
      "Sec-Fetch-Site", "Content-Type", "Accept", "X-Forwarded-For", "x-forwarded-for", "X-Forwarded-Proto",
      "X-Forwarded-Host", "traceparent", "Tracestate", "X-Request-Id", "x_request_id", "X-CSRF-Token",
      "X-User-Id", "X_User_Id", "X-Auth-Email", "X-Session-Hash", "Gatehouse-Logout", "X-Other", "Via",
      "Accept-Encoding", "Originator", "Cookies", "Authorizations", "X-HTTP-Method-Override",
      "x-method-override", "X-HTTP-Method",
    ]
    var rng = SystemRandomNumberGenerator()
    for round in 0..<300 {
      var fields = ["Host: a"]
      // The parser refuses a second User-Agent, Origin, Sec-Fetch-Site or Content-Type (and
      // `user_agent`-style look-alikes): heads here are ones it accepts.
      var singletons: Set<String> = []
      for _ in 0..<Int.random(in: 0...14, using: &rng) {
        let name = names.randomElement(using: &rng)!
        if Self.singletons.contains(name.lowercased()) && !singletons.insert(name.lowercased()).inserted {
          continue
        }
        fields.append("\(name): v\(Int.random(in: 0...99, using: &rng))")
      }
      fields.shuffle(using: &rng)
      let request = try ParsedRequest("GET / HTTP/1.1\r\n" + fields.joined(separator: "\r\n") + "\r\n\r\n")
      let runtime = [RuntimeConfig.testing(), Self.sessionRuntime, Self.keepOverridesRuntime][round % 3]
      try check(request, runtime: runtime, "round \(round): \(fields)")
    }
  }

  private static let singletons: Set<String> = ["user-agent", "origin", "sec-fetch-site", "content-type"]

  /// Compares the index with a walk over the fields by lower-cased `String` names.
  private func check(_ request: ParsedRequest, runtime: RuntimeConfig, _ name: String) throws {
    var context = RequestContext(runtime: runtime)
    _ = StripPhase().run(&context, request.view())
    let index = context.headers
    let view = request.view()
    let sessions = runtime.sessionCookieName != nil
    var expected: [FieldRole] = []
    var stripped = 0
    for field in request.head.fields {
      let fieldName = field.name(in: view.bytes)
      let lower = String(decoding: fieldName, as: UTF8.self).lowercased()
      let role: FieldRole
      if !field.flags.isDisjoint(with: [.hopByHop, .contentLength]) {
        role = .other
      } else if ["tracestate", "traceparent", "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto"]
        .contains(lower)
      {
        role = [
          "tracestate": .tracestate, "traceparent": .traceparent, "x-forwarded-for": .forwardedFor,
          "x-forwarded-host": .forwardedHost, "x-forwarded-proto": .forwardedProto,
        ][lower]!
      } else if runtime.requestIDMatcher.matches(fieldName) {
        role = .requestID
      } else if sessions && runtime.csrfHeaderMatcher.matches(fieldName) {
        role = .csrfToken
      } else if runtime.hardening.methodOverrideMatcher.matches(fieldName) {
        role = runtime.hardening.stripMethodOverride ? .methodOverrideStripped : .methodOverride
      } else if runtime.stripMatcher.matches(fieldName) {
        role = .stripped
      } else {
        let readable: [String: FieldRole] = [
          "cookie": .cookie, "accept": .accept, "origin": .origin, "user-agent": .userAgent,
          "content-type": .contentType, "authorization": .authorization, "sec-fetch-site": .secFetchSite,
          "host": .host,
        ]
        role = readable[lower] ?? .other
      }
      if (role == .stripped || role == .csrfToken) && !field.flags.contains(.nominatedByConnection) {
        stripped += 1
      }
      expected.append(role)
    }
    XCTAssertEqual(Array(index.roles), expected, name)
    XCTAssertEqual(index.strippedCount, stripped, "\(name): stripped count")
    func last(_ role: FieldRole) -> Int { expected.lastIndex(of: role) ?? -1 }
    func first(_ role: FieldRole) -> Int { expected.firstIndex(of: role) ?? -1 }
    XCTAssertEqual(index.authorization, last(.authorization), name)
    XCTAssertEqual(index.authorizationCount, expected.filter { $0 == .authorization }.count, name)
    XCTAssertEqual(index.host, last(.host), name)
    XCTAssertEqual(index.userAgent, last(.userAgent), name)
    XCTAssertEqual(index.origin, last(.origin), name)
    XCTAssertEqual(index.secFetchSite, last(.secFetchSite), name)
    XCTAssertEqual(index.contentType, last(.contentType), name)
    XCTAssertEqual(index.csrfToken, last(.csrfToken), name)
    XCTAssertEqual(index.forwardedProto, first(.forwardedProto), name)
    XCTAssertEqual(index.forwardedHost, first(.forwardedHost), name)
    XCTAssertEqual(index.firstCookie, first(.cookie), name)
    XCTAssertEqual(
      index.firstMethodOverride,
      expected.firstIndex { $0 == .methodOverride || $0 == .methodOverrideStripped } ?? -1, name)
    XCTAssertEqual(index.firstAccept, first(.accept), name)
    XCTAssertEqual(index.firstForwardedFor, first(.forwardedFor), name)
    XCTAssertEqual(index.firstTraceparent, first(.traceparent), name)
    XCTAssertEqual(index.firstRequestID, first(.requestID), name)
    let cookies = zip(request.head.fields, expected).filter { $0.1 == .cookie }
      .map { String(decoding: $0.0.value(in: view.bytes), as: UTF8.self) }
    let joined = index.joined(.cookie, from: index.firstCookie, separator: "; ", request.head, view.bytes)
    XCTAssertEqual(
      joined.map { String(decoding: $0, as: UTF8.self) },
      cookies.isEmpty ? nil : cookies.joined(separator: "; "),
      name)
  }

  /// `Authorization`'s role is worked out once per configuration (`RuntimeConfig.authorizationRole`)
  /// and recognised by two word compares: any letter case is that field, a near name is not, and
  /// a configured pattern that covers the name (strip list, prefix, method override, CSRF or
  /// request-id header) still wins over the credential role.
  func testAuthorizationRoleFollowsTheConfiguredPatterns() throws {
    let fields = [
      "Host: a", "Authorization: Bearer a", "AUTHORIZATION: b", "aUtHoRiZaTiOn: c", "Authorizatio: d",
      "Authorizations: e", "Authorizatiom: f", "Buthorization: g", "Authori-ation: h", "Authorization_: i",
    ]
    let request = try ParsedRequest("GET / HTTP/1.1\r\n" + fields.joined(separator: "\r\n") + "\r\n\r\n")
    let session = SessionSettings(
      keys: [Secret(String(repeating: "k", count: 32))], csrfHeader: "Authorization")
    let runtimes: [(String, RuntimeConfig, FieldRole)] = [
      ("default", .testing(), .authorization),
      ("stripped", .testing(strip: HeaderSettings.defaultStrip + ["AUTHORIZATION"]), .stripped),
      ("stripped by prefix", .testing(strip: ["Author*"]), .stripped),
      (
        "method override", .testing(hardening: HardeningRules(methodOverrideHeaders: ["authorization"])),
        .methodOverrideStripped
      ),
      ("csrf header", .testing(session: session), .csrfToken),
      (
        "request id",
        RuntimeConfig(
          routes: RouteTable([
            CompiledRoute(name: "all", path: "/", exact: false, methods: [], auth: .publicAccess)
          ]),
          strip: [], requestIDHeader: "authorization", trustedProxies: [], headLimits: HeadLimits(),
          headerTimeout: second, idleTimeout: second, connectTimeout: second, responseTimeout: second,
          maxBodyBytes: 1 << 20, upstream: SocketAddress.parse("127.0.0.1:9")!, accessLog: false,
          logQuery: false),
        .requestID
      ),
    ]
    for (name, runtime, role) in runtimes {
      XCTAssertEqual(runtime.authorizationRole, role, name)
      try check(request, runtime: runtime, name)
    }
    for name in ["Authorization", "AUTHORIZATION", "authorizatioN"] {
      XCTAssertTrue(Array(name.utf8).withUnsafeBytes { HeaderIndex.isAuthorization($0) }, name)
    }
    for name in [
      "Authorizatio", "Authorizations", "Authorizatiom", "Authori-ation", "Authorizatio\u{7F}",
      "authorizationx",
    ] {
      XCTAssertFalse(Array(name.utf8).withUnsafeBytes { HeaderIndex.isAuthorization($0) }, name)
    }
  }

  func testDispositions() {
    XCTAssertEqual(FieldRole.stripped.disposition, .drop)
    XCTAssertEqual(FieldRole.csrfToken.disposition, .dropReadable)
    XCTAssertEqual(FieldRole.forwardedFor.disposition, .replace)
    XCTAssertEqual(FieldRole.cookie.disposition, .forward)
    XCTAssertEqual(FieldRole.methodOverrideStripped.disposition, .dropReadable)
    XCTAssertEqual(FieldRole.methodOverride.disposition, .forward)
  }

  func testIndexKeepsItsStorageBetweenRequests() throws {
    var context = RequestContext(runtime: .testing())
    let first = try ParsedRequest("GET / HTTP/1.1\r\nHost: a\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n")
    _ = StripPhase().run(&context, first.view())
    let storage = context.headers.roles.withUnsafeBufferPointer { $0.baseAddress }
    context.restart(runtime: .testing())
    XCTAssertEqual(context.headers.count, 0)
    let second = try ParsedRequest("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
    _ = StripPhase().run(&context, second.view())
    XCTAssertEqual(Array(context.headers.roles), [.host])
    let reused = context.headers.roles.withUnsafeBufferPointer { $0.baseAddress }
    XCTAssertEqual(reused, storage, "the next request's roles are written where the last ones were")
  }
}
