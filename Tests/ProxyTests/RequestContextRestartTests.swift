import XCTest

@testable import JWT
@testable import Proxy

/// `RequestContext.restart` resets field by field (docs/performance.md, "Pass-through and
/// repeated token, round 6"): after it, a context must read as a fresh one, whatever the request
/// before left in it.
final class RequestContextRestartTests: XCTestCase {
  /// Every stored property, in declaration order. A property added to `RequestContext` fails
  /// this list until it has its line in `restart` too (and here).
  static let storedProperties = [
    "runtime", "active", "startNanos", "startWallNanos", "upstreamStartNanos", "upstreamHeadNanos",
    "method", "clientHTTP10", "methodText", "pathText", "peerText", "peerIP", "peerTrusted", "headers",
    "strippedHeaders", "traceHigh", "traceLow", "spanID", "traceFlags", "traceParentValid", "parentSpanID",
    "authStartNanos", "authEndNanos", "clientRequestID", "generatedRequestID", "methodOverrideUnsafe",
    "consent", "withheldCookies", "routeIndex", "authentication", "authMethod", "principalHash",
    "stripAuthorization", "sessionCookieAlone", "identityHeaders", "identityLines", "assertionLine",
    "responseHeaders",
    "sessionState", "token", "tokenHash", "upstreamCookies", "lifecycle", "addedCacheControl",
    "droppedResponseFields", "status", "bytesIn", "bytesOut", "error",
  ]

  func testRestartResetsEveryField() throws {
    let runtime = RuntimeConfig.testing()
    let fresh = RequestContext(runtime: runtime)
    XCTAssertEqual(
      Mirror(reflecting: fresh).children.map { $0.label ?? "?" }, Self.storedProperties,
      "a new stored property needs its line in RequestContext.restart")

    var used = RequestContext(runtime: .testing())
    let request = try ParsedRequest("GET /a HTTP/1.1\r\nHost: a\r\nCookie: a=1\r\nX-B: 2\r\n\r\n")
    _ = StripPhase().run(&used, request.view())
    used.active = true
    used.startNanos = 1
    used.startWallNanos = 2
    used.upstreamStartNanos = 3
    used.upstreamHeadNanos = 4
    used.method = .post
    used.clientHTTP10 = true
    used.methodText = "POST"
    used.pathText = "/a/very/long/path/beyond/fifteen/bytes"
    used.peerText = Array("192.0.2.1".utf8)
    used.peerIP = .v4(0xC000_0201)
    used.peerTrusted = true
    used.strippedHeaders = 1
    used.traceHigh = 5
    used.traceLow = 6
    used.spanID = 7
    used.traceFlags = 1
    used.traceParentValid = true
    used.parentSpanID = 8
    used.authStartNanos = 9
    used.authEndNanos = 10
    used.clientRequestID = Array("id".utf8)
    used.generatedRequestID = (11, 12)
    used.methodOverrideUnsafe = true
    used.consent = CookieCategories(rawValue: 3)
    used.withheldCookies = ["tracker"]
    used.routeIndex = 2
    used.authentication = .waiting
    used.authMethod = "jwt"
    used.principalHash = PrincipalHash("p")
    used.stripAuthorization = true
    used.sessionCookieAlone = true
    used.identityHeaders = [("X-User-Id", "u")]
    used.identityLines = BearerIdentity.lines(user: "u", claimHeaders: [])
    used.assertionLine = Array("X-Assertion: a\r\n".utf8)
    used.responseHeaders = [("Set-Cookie", "a=1")]
    used.token = VerifiedToken(issuer: "i", subject: "u", expiresAt: 1, kid: nil, claims: [:])
    used.tokenHash = TokenHash(w0: 1, w1: 2, w2: 3, w3: 4)
    used.upstreamCookies.remove(name: "a")
    used.lifecycle = .waiting
    used.addedCacheControl = "no-store"
    used.droppedResponseFields = [1]
    used.status = 200
    used.bytesIn = 13
    used.bytesOut = 14
    used.error = ProxyError(.badRequest, .downstream, "x")

    used.restart(runtime: runtime)
    XCTAssertTrue(used.runtime === runtime)
    for (field, (left, right)) in zip(
      Self.storedProperties, zip(Mirror(reflecting: used).children, Mirror(reflecting: fresh).children))
    {
      if field == "headers" {
        // The roles' storage is kept on purpose (`HeaderIndexTests`); everything else is fresh.
        XCTAssertEqual(used.headers.count, 0)
        XCTAssertEqual(
          Self.described(left.value, without: "storage"), Self.described(right.value, without: "storage"))
        continue
      }
      XCTAssertEqual(String(reflecting: left.value), String(reflecting: right.value), field)
    }
  }

  /// A value's stored properties as text, one left out.
  static func described(_ value: Any, without excluded: String) -> [String] {
    Mirror(reflecting: value).children.filter { $0.label != excluded }.map {
      "\($0.label ?? "?")=\(String(reflecting: $0.value))"
    }
  }
}
