import FuzzSeedSupport
import HTTP1
import XCTest

/// Expected properties of a parsed request; nil means "not checked by this case".
struct WantRequest {
  var method: HTTPMethod? = nil
  var methodText: String? = nil
  var target: String? = nil
  var path: String? = nil
  var minor: Int? = nil
  var framing: BodyFraming? = nil
  var keepAlive: Bool? = nil
  var expectContinue: Bool? = nil
  var upgrade: Bool? = nil
  var host: String?? = nil
  var rest: String = ""
  /// name → value, in order, when given.
  var fields: [(String, String)]? = nil
  /// name → exact flags, for the fields named.
  var flags: [(String, FieldFlags)] = []

  func mismatches(_ s: RequestSummary) -> [String] {
    var out: [String] = []
    func check<T: Equatable>(_ label: String, _ want: T?, _ got: T) {
      if let want, want != got { out.append("\(label): want \(want), got \(got)") }
    }
    check("method", method, s.method)
    check("methodText", methodText, s.methodText)
    check("target", target, s.target)
    check("path", path, s.path)
    check("versionMinor", minor, s.versionMinor)
    check("framing", framing, s.framing)
    check("keepAlive", keepAlive, s.keepAlive)
    check("expectContinue", expectContinue, s.expectContinue)
    check("upgrade", upgrade, s.upgrade)
    if let host, host != s.host { out.append("host: want \(String(describing: host)), got \(String(describing: s.host))") }
    check("rest", rest, s.rest)
    if let fields {
      let got = s.fields.map { "\($0.name)=\($0.value)" }
      let want = fields.map { "\($0.0)=\($0.1)" }
      if got != want { out.append("fields: want \(want), got \(got)") }
    }
    for (name, flags) in flags {
      guard let field = s.fields.first(where: { $0.name == name }) else {
        out.append("no field \(name)")
        continue
      }
      if field.flags != flags { out.append("flags of \(name): want \(flags.rawValue), got \(field.flags.rawValue)") }
    }
    return out
  }
}

enum RequestExpectation {
  case ok(WantRequest)
  case error(HTTPParseError.Kind)
  case incomplete
}

struct RequestCase {
  var name: String
  var input: String
  var limits = HeadLimits()
  var expect: RequestExpectation

  init(_ name: String, _ input: String, limits: HeadLimits = HeadLimits(), _ expect: RequestExpectation) {
    self.name = name
    self.input = input
    self.limits = limits
    self.expect = expect
  }
}

let h = "Host: a\r\n"
let small = HeadLimits(maxRequestLineBytes: 20, maxHeaderBytes: 60, maxHeaders: 2)

let requestCases: [RequestCase] = [
  // MARK: valid forms
  .init(
    "simple GET", "GET / HTTP/1.1\r\nHost: example.com\r\n\r\n",
    .ok(
      .init(
        method: .get, target: "/", path: "/", minor: 1, framing: BodyFraming.none, keepAlive: true,
        expectContinue: false, upgrade: false, host: "example.com", fields: [("Host", "example.com")],
        flags: [("Host", .host)]))),
  .init(
    "pipelined second request stays in the buffer",
    "GET /1 HTTP/1.1\r\n\(h)\r\nGET /2 HTTP/1.1\r\n\(h)\r\n",
    .ok(.init(target: "/1", rest: "GET /2 HTTP/1.1\r\n\(h)\r\n"))),
  .init(
    "body bytes stay in the buffer", "POST /p HTTP/1.1\r\n\(h)Content-Length: 5\r\n\r\nhello",
    .ok(.init(method: .post, framing: .contentLength(5), rest: "hello"))),
  .init(
    "query excluded from path", "GET /a/b?x=1&y=%20&z=/../ HTTP/1.1\r\n\(h)\r\n",
    .ok(.init(target: "/a/b?x=1&y=%20&z=/../", path: "/a/b"))),
  .init("empty query", "GET /a? HTTP/1.1\r\n\(h)\r\n", .ok(.init(target: "/a?", path: "/a"))),
  .init(
    "OWS tab and space trimmed, inner kept", "GET / HTTP/1.1\r\nHost:\t a \t\r\nX-A: \t1 \t 2\t \r\n\r\n",
    .ok(.init(host: "a", fields: [("Host", "a"), ("X-A", "1 \t 2")]))),
  .init(
    "empty values", "GET / HTTP/1.1\r\n\(h)X-Empty:\r\nX-Blank: \t \r\n\r\n",
    .ok(.init(fields: [("Host", "a"), ("X-Empty", ""), ("X-Blank", "")]))),
  .init(
    "obs-text in a value", "GET / HTTP/1.1\r\n\(h)X-Name: Jos\u{e9}\r\n\r\n",
    .ok(.init(fields: [("Host", "a"), ("X-Name", "Jos\u{e9}")]))),
  .init(
    "case-insensitive names", "GET / HTTP/1.1\r\nhOST: a\r\ncontent-LENGTH: 3\r\n\r\n",
    .ok(.init(framing: .contentLength(3), host: "a", flags: [("content-LENGTH", .contentLength)]))),
  .init(
    "content-length leading zeros", "POST / HTTP/1.1\r\n\(h)Content-Length: 007\r\n\r\n",
    .ok(.init(framing: .contentLength(7)))),
  .init(
    "content-length zero", "POST / HTTP/1.1\r\n\(h)Content-Length: 0\r\n\r\n",
    .ok(.init(framing: .contentLength(0)))),
  .init(
    "content-length list of identical values", "POST / HTTP/1.1\r\n\(h)Content-Length: 5 ,5,\t05\r\n\r\n",
    .ok(.init(framing: .contentLength(5)))),
  .init(
    "content-length repeated identical", "POST / HTTP/1.1\r\n\(h)Content-Length: 5\r\nContent-Length: 5\r\n\r\n",
    .ok(.init(framing: .contentLength(5)))),
  .init(
    "content-length max Int64", "POST / HTTP/1.1\r\n\(h)Content-Length: 9223372036854775807\r\n\r\n",
    .ok(.init(framing: .contentLength(Int64.max)))),
  .init(
    "chunked", "POST / HTTP/1.1\r\n\(h)Transfer-Encoding: chunked\r\n\r\n",
    .ok(.init(framing: .chunked, flags: [("Transfer-Encoding", [.transferEncoding, .hopByHop])]))),
  .init(
    "codings case-insensitive, gzip before chunked", "POST / HTTP/1.1\r\n\(h)Transfer-Encoding: GZip ,\tCHUNKED\r\n\r\n",
    .ok(.init(framing: .chunked))),
  .init(
    "codings across repeated fields", "POST / HTTP/1.1\r\n\(h)Transfer-Encoding: deflate\r\nTransfer-Encoding: chunked\r\n\r\n",
    .ok(.init(framing: .chunked))),
  .init(
    "empty list elements ignored", "POST / HTTP/1.1\r\n\(h)Transfer-Encoding: , identity,, chunked\r\n\r\n",
    .ok(.init(framing: .chunked))),
  .init(
    "HTTP/1.0 without Host", "GET / HTTP/1.0\r\n\r\n",
    .ok(.init(minor: 0, keepAlive: false, host: .some(nil), fields: []))),
  .init(
    "HTTP/1.0 keep-alive", "GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n",
    .ok(.init(minor: 0, keepAlive: true))),
  .init(
    "HTTP/1.0 keep-alive and close", "GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n",
    .ok(.init(keepAlive: false))),
  .init("HTTP/1.1 close", "GET / HTTP/1.1\r\n\(h)Connection: CLOSE\r\n\r\n", .ok(.init(keepAlive: false))),
  .init(
    "HTTP/1.1 keep-alive by default", "GET / HTTP/1.1\r\n\(h)Connection: x-other\r\n\r\n",
    .ok(.init(keepAlive: true))),
  .init(
    "connection nominates fields, case-insensitive",
    "GET / HTTP/1.1\r\n\(h)X-Secret: s\r\nConnection: keep-alive, x-SECRET\r\nKeep-Alive: 5\r\nX-Kept: k\r\n\r\n",
    .ok(
      .init(flags: [
        ("X-Secret", .nominatedByConnection), ("Connection", [.connection, .hopByHop]),
        ("Keep-Alive", [.hopByHop, .nominatedByConnection]), ("X-Kept", []),
      ]))),
  .init(
    "connection cannot nominate host or framing",
    "POST / HTTP/1.1\r\n\(h)Content-Length: 1\r\nConnection: host, content-length\r\n\r\n",
    .ok(.init(flags: [("Host", .host), ("Content-Length", .contentLength)]))),
  .init(
    "hop-by-hop fields flagged",
    "GET / HTTP/1.1\r\n\(h)TE: trailers\r\nTrailer: x\r\nProxy-Connection: close\r\nKeep-Alive: 1\r\n\r\n",
    .ok(
      .init(
        keepAlive: true,
        flags: [("TE", .hopByHop), ("Trailer", .hopByHop), ("Proxy-Connection", .hopByHop), ("Keep-Alive", .hopByHop)]
      ))),
  .init(
    "expect 100-continue", "PUT / HTTP/1.1\r\n\(h)Expect: 100-Continue\r\nContent-Length: 1\r\n\r\n",
    .ok(.init(expectContinue: true, flags: [("Expect", .expect)]))),
  .init(
    "expect ignored on HTTP/1.0 and not forwarded", "PUT / HTTP/1.0\r\nExpect: 100-continue\r\n\r\n",
    .ok(.init(expectContinue: false, flags: [("Expect", [.expect, .hopByHop])]))),
  .init(
    "upgrade", "GET /ws HTTP/1.1\r\n\(h)Connection: Upgrade\r\nUpgrade: websocket\r\n\r\n",
    .ok(.init(upgrade: true, flags: [("Upgrade", [.upgrade, .hopByHop, .nominatedByConnection])]))),
  .init(
    "upgrade field without connection token", "GET / HTTP/1.1\r\n\(h)Upgrade: websocket\r\n\r\n",
    .ok(.init(upgrade: false))),
  .init(
    "connection upgrade without upgrade field", "GET / HTTP/1.1\r\n\(h)Connection: upgrade\r\n\r\n",
    .ok(.init(upgrade: false))),
  .init("OPTIONS asterisk-form", "OPTIONS * HTTP/1.1\r\n\(h)\r\n", .ok(.init(method: .options, target: "*", path: "*"))),
  .init(
    "leading empty lines ignored", "\r\n\r\nGET /x HTTP/1.1\r\n\(h)\r\n",
    .ok(.init(method: .get, methodText: "GET", target: "/x"))),
  .init(
    "extension method", "PROPFIND /d HTTP/1.1\r\n\(h)\r\n", .ok(.init(method: .other, methodText: "PROPFIND"))),
  .init("methods are case-sensitive", "get / HTTP/1.1\r\n\(h)\r\n", .ok(.init(method: .other))),
  .init("all known methods: HEAD", "HEAD / HTTP/1.1\r\n\(h)\r\n", .ok(.init(method: .head))),
  .init("all known methods: PUT", "PUT / HTTP/1.1\r\n\(h)\r\n", .ok(.init(method: .put))),
  .init("all known methods: DELETE", "DELETE / HTTP/1.1\r\n\(h)\r\n", .ok(.init(method: .delete))),
  .init("all known methods: PATCH", "PATCH / HTTP/1.1\r\n\(h)\r\n", .ok(.init(method: .patch))),
  .init("all known methods: TRACE", "TRACE / HTTP/1.1\r\n\(h)\r\n", .ok(.init(method: .trace))),
  .init(
    "dots inside names are fine", "GET /.well-known/a..b/.../x. HTTP/1.1\r\n\(h)\r\n",
    .ok(.init(path: "/.well-known/a..b/.../x."))),
  .init("double slash allowed", "GET //a HTTP/1.1\r\n\(h)\r\n", .ok(.init(path: "//a"))),
  .init("percent-encoded letters", "GET /%41%2D%7e HTTP/1.1\r\n\(h)\r\n", .ok(.init(path: "/%41%2D%7e"))),
  .init("host with port and IPv6", "GET / HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n", .ok(.init(host: "[::1]:8080"))),
  .init("request line at the limit", "GET /123456 HTTP/1.1\r\n\(h)\r\n", limits: small, .ok(.init(target: "/123456"))),
  .init("head at the limit", "GET / HTTP/1.1\r\nHost: a\r\nX: 1234567890123456789012345678\r\n\r\n", limits: small, .ok(.init())),
  .init("fields at the limit", "GET / HTTP/1.1\r\nHost: a\r\nX: 1\r\n\r\n", limits: small, .ok(.init())),

  // MARK: incomplete
  .init("no final empty line", "GET / HTTP/1.1\r\n\(h)", .incomplete),
  .init("half a CRLF", "GET / HTTP/1.1\r\n\(h)\r", .incomplete),
  .init("only leading CRLF", "\r\n", .incomplete),
  .init("empty input", "", .incomplete),

  // MARK: request line
  .init("method with non-token byte", "G@T / HTTP/1.1\r\n\(h)\r\n", .error(.invalidMethod)),
  .init("leading space", " GET / HTTP/1.1\r\n\(h)\r\n", .error(.invalidMethod)),
  .init("tab after method", "GET\t/ HTTP/1.1\r\n\(h)\r\n", .error(.invalidMethod)),
  .init("no target", "GET\r\n\r\n", .error(.invalidMethod)),
  .init("CONNECT refused", "CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\n\r\n", .error(.connectNotSupported)),
  .init("double space before target", "GET  / HTTP/1.1\r\n\(h)\r\n", .error(.invalidTarget)),
  .init("double space before version", "GET /  HTTP/1.1\r\n\(h)\r\n", .error(.invalidVersion)),
  .init("fragment", "GET /a#b HTTP/1.1\r\n\(h)\r\n", .error(.invalidTarget)),
  .init("backslash", "GET /a\\b HTTP/1.1\r\n\(h)\r\n", .error(.invalidTarget)),
  .init("backslash in query", "GET /a?b\\c HTTP/1.1\r\n\(h)\r\n", .error(.invalidTarget)),
  .init("bad percent", "GET /%zz HTTP/1.1\r\n\(h)\r\n", .error(.invalidTarget)),
  .init("truncated percent", "GET /a% HTTP/1.1\r\n\(h)\r\n", .error(.invalidTarget)),
  .init("bad percent in query", "GET /a?%g1 HTTP/1.1\r\n\(h)\r\n", .error(.invalidTarget)),
  .init("encoded NUL", "GET /a%00 HTTP/1.1\r\n\(h)\r\n", .error(.invalidTarget)),
  .init("DEL in target", "GET /a\u{7f} HTTP/1.1\r\n\(h)\r\n", .error(.invalidTarget)),
  .init("non-ASCII in target", "GET /\u{e9} HTTP/1.1\r\n\(h)\r\n", .error(.invalidTarget)),
  .init("control byte in target", "GET /a\u{1}b HTTP/1.1\r\n\(h)\r\n", .error(.invalidTarget)),
  .init("no version", "GET /\r\n\(h)\r\n", .error(.invalidTarget)),
  .init("absolute-form", "GET http://a/ HTTP/1.1\r\n\(h)\r\n", .error(.absoluteFormNotAccepted)),
  .init("authority-form", "OPTIONS a:80 HTTP/1.1\r\n\(h)\r\n", .error(.absoluteFormNotAccepted)),
  .init("asterisk with GET", "GET * HTTP/1.1\r\n\(h)\r\n", .error(.asteriskFormNotOptions)),
  .init("asterisk followed by path", "OPTIONS *a HTTP/1.1\r\n\(h)\r\n", .error(.invalidTarget)),
  .init("dot segment", "GET /a/./b HTTP/1.1\r\n\(h)\r\n", .error(.dotSegmentInPath)),
  .init("dot-dot segment", "GET /a/../b HTTP/1.1\r\n\(h)\r\n", .error(.dotSegmentInPath)),
  .init("leading dot-dot", "GET /.. HTTP/1.1\r\n\(h)\r\n", .error(.dotSegmentInPath)),
  .init("trailing dot", "GET /a/. HTTP/1.1\r\n\(h)\r\n", .error(.dotSegmentInPath)),
  .init("trailing dot-dot before query", "GET /a/..?x HTTP/1.1\r\n\(h)\r\n", .error(.dotSegmentInPath)),
  .init("encoded dot-dot", "GET /a/%2e%2E/b HTTP/1.1\r\n\(h)\r\n", .error(.dotSegmentInPath)),
  .init("mixed encoded dot-dot", "GET /a/.%2e HTTP/1.1\r\n\(h)\r\n", .error(.dotSegmentInPath)),
  .init("encoded single dot", "GET /%2E/x HTTP/1.1\r\n\(h)\r\n", .error(.dotSegmentInPath)),
  .init("encoded slash", "GET /a%2fb HTTP/1.1\r\n\(h)\r\n", .error(.encodedSeparatorInPath)),
  .init("encoded backslash", "GET /a%5Cb HTTP/1.1\r\n\(h)\r\n", .error(.encodedSeparatorInPath)),
  .init("lowercase http", "GET / http/1.1\r\n\(h)\r\n", .error(.invalidVersion)),
  .init("short version", "GET / HTTP/1\r\n\(h)\r\n", .error(.invalidVersion)),
  .init("two-digit minor", "GET / HTTP/1.10\r\n\(h)\r\n", .error(.invalidVersion)),
  .init("two-digit major", "GET / HTTP/11.1\r\n\(h)\r\n", .error(.invalidVersion)),
  .init("space after version", "GET / HTTP/1.1 \r\n\(h)\r\n", .error(.invalidVersion)),
  .init("HTTP/2.0", "GET / HTTP/2.0\r\n\(h)\r\n", .error(.unsupportedVersion)),
  .init("HTTP/1.2", "GET / HTTP/1.2\r\n\(h)\r\n", .error(.unsupportedVersion)),
  .init("HTTP/0.9", "GET / HTTP/0.9\r\n\(h)\r\n", .error(.unsupportedVersion)),
  .init("request line too long", "GET /1234567 HTTP/1.1\r\n\(h)\r\n", limits: small, .error(.requestLineTooLong)),
  .init("request line too long before CRLF arrives", "GET /12345678901234567890", limits: small, .error(.requestLineTooLong)),
  .init("leading CRLF not counted in request line", "\r\n\r\nGET /123456 HTTP/1.1\r\n\(h)\r\n", limits: small, .ok(.init())),

  // MARK: line endings and bytes
  .init("bare LF after request line", "GET / HTTP/1.1\n\(h)\r\n", .error(.bareLF)),
  .init("bare CR after request line", "GET / HTTP/1.1\rHost: a\r\n\r\n", .error(.bareCR)),
  .init("bare LF ending a field", "GET / HTTP/1.1\r\nHost: a\n\r\n", .error(.bareLF)),
  .init("bare CR inside a value", "GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n", .error(.bareCR)),
  .init("bare LF ending the head", "GET / HTTP/1.1\r\n\(h)\n", .error(.bareLF)),
  .init("bare CR ending the head", "GET / HTTP/1.1\r\n\(h)\r\r\n", .error(.bareCR)),
  .init("bare LF as leading line", "\nGET / HTTP/1.1\r\n\(h)\r\n", .error(.bareLF)),
  .init("bare CR as leading line", "\rGET / HTTP/1.1\r\n\(h)\r\n", .error(.bareCR)),
  .init("NUL in value", "GET / HTTP/1.1\r\n\(h)X: a\u{0}b\r\n\r\n", .error(.controlCharacter)),
  .init("control byte in value", "GET / HTTP/1.1\r\n\(h)X: \u{1b}[0m\r\n\r\n", .error(.controlCharacter)),
  .init("DEL in value", "GET / HTTP/1.1\r\n\(h)X: a\u{7f}\r\n\r\n", .error(.controlCharacter)),
  .init("NUL in name", "GET / HTTP/1.1\r\n\(h)X\u{0}: a\r\n\r\n", .error(.controlCharacter)),
  .init("NUL starting a line", "GET / HTTP/1.1\r\n\(h)\u{0}X: a\r\n\r\n", .error(.controlCharacter)),
  .init("obs-fold", "GET / HTTP/1.1\r\n\(h)X: a\r\n b\r\n\r\n", .error(.obsFold)),
  .init("obs-fold with tab", "GET / HTTP/1.1\r\n\(h)X: a\r\n\tb\r\n\r\n", .error(.obsFold)),
  .init("whitespace after start line", "GET / HTTP/1.1\r\n Host: a\r\n\r\n", .error(.whitespaceAfterStartLine)),
  .init("space before colon", "GET / HTTP/1.1\r\nHost : a\r\n\r\n", .error(.whitespaceBeforeColon)),
  .init("tab before colon", "GET / HTTP/1.1\r\n\(h)X\t: a\r\n\r\n", .error(.whitespaceBeforeColon)),
  .init("empty field name", "GET / HTTP/1.1\r\n\(h): a\r\n\r\n", .error(.invalidFieldName)),
  .init("non-token name", "GET / HTTP/1.1\r\n\(h)X(y): a\r\n\r\n", .error(.invalidFieldName)),
  .init("non-ASCII name", "GET / HTTP/1.1\r\n\(h)X\u{e9}: a\r\n\r\n", .error(.invalidFieldName)),
  .init("line without colon", "GET / HTTP/1.1\r\n\(h)Xyz\r\n\r\n", .error(.missingColon)),

  // MARK: limits
  .init("head too large", "GET / HTTP/1.1\r\nHost: a\r\nX: 12345678901234567890123456789\r\n\r\n", limits: small, .error(.headerSectionTooLarge)),
  .init("head too large before its end arrives", "GET / HTTP/1.1\r\nHost: a\r\nX: 1234567890123456789012345678901234567890", limits: small, .error(.headerSectionTooLarge)),
  .init("too many fields", "GET / HTTP/1.1\r\nHost: a\r\nX: 1\r\nY: 2\r\n\r\n", limits: small, .error(.tooManyHeaders)),

  // MARK: host and expect
  .init("missing host on 1.1", "GET / HTTP/1.1\r\nX: a\r\n\r\n", .error(.missingHost)),
  .init("duplicate host", "GET / HTTP/1.1\r\nHost: a\r\nhost: a\r\n\r\n", .error(.duplicateHost)),
  .init("duplicate host on 1.0", "GET / HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n", .error(.duplicateHost)),
  .init("space inside host", "GET / HTTP/1.1\r\nHost: a b\r\n\r\n", .error(.invalidHost)),
  .init("slash in host", "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", .error(.invalidHost)),
  .init("userinfo in host", "GET / HTTP/1.1\r\nHost: u@a\r\n\r\n", .error(.invalidHost)),
  .init("unsupported expectation", "PUT / HTTP/1.1\r\n\(h)Expect: 200-ok\r\n\r\n", .error(.unsupportedExpectation)),
  .init("invalid connection token", "GET / HTTP/1.1\r\n\(h)Connection: close;x\r\n\r\n", .error(.invalidFieldValue)),
  .init("connection tokens need commas", "GET / HTTP/1.1\r\n\(h)Connection: a b\r\n\r\n", .error(.invalidFieldValue)),

  // MARK: content-length
  .init("content-length letters", "POST / HTTP/1.1\r\n\(h)Content-Length: abc\r\n\r\n", .error(.invalidContentLength)),
  .init("content-length negative", "POST / HTTP/1.1\r\n\(h)Content-Length: -1\r\n\r\n", .error(.invalidContentLength)),
  .init("content-length plus", "POST / HTTP/1.1\r\n\(h)Content-Length: +5\r\n\r\n", .error(.invalidContentLength)),
  .init("content-length empty", "POST / HTTP/1.1\r\n\(h)Content-Length: \r\n\r\n", .error(.invalidContentLength)),
  .init("content-length exponent", "POST / HTTP/1.1\r\n\(h)Content-Length: 1e3\r\n\r\n", .error(.invalidContentLength)),
  .init("content-length space inside", "POST / HTTP/1.1\r\n\(h)Content-Length: 1 2\r\n\r\n", .error(.invalidContentLength)),
  .init("content-length empty element", "POST / HTTP/1.1\r\n\(h)Content-Length: 5,,5\r\n\r\n", .error(.invalidContentLength)),
  .init("content-length overflow", "POST / HTTP/1.1\r\n\(h)Content-Length: 9223372036854775808\r\n\r\n", .error(.invalidContentLength)),
  .init("content-length list differs", "POST / HTTP/1.1\r\n\(h)Content-Length: 5, 6\r\n\r\n", .error(.conflictingContentLength)),
  .init("content-length repeated differs", "POST / HTTP/1.1\r\n\(h)Content-Length: 5\r\nContent-Length: 6\r\n\r\n", .error(.conflictingContentLength)),
  .init("content-length then chunked", "POST / HTTP/1.1\r\n\(h)Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", .error(.contentLengthWithTransferEncoding)),
  .init("chunked then content-length", "POST / HTTP/1.1\r\n\(h)Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n", .error(.contentLengthWithTransferEncoding)),

  // MARK: transfer-encoding
  .init("transfer-encoding on HTTP/1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", .error(.transferEncodingInHTTP10)),
  .init("gzip alone", "POST / HTTP/1.1\r\n\(h)Transfer-Encoding: gzip\r\n\r\n", .error(.chunkedNotFinal)),
  .init("chunked then gzip", "POST / HTTP/1.1\r\n\(h)Transfer-Encoding: chunked, gzip\r\n\r\n", .error(.chunkedNotFinal)),
  .init("chunked then gzip across fields", "POST / HTTP/1.1\r\n\(h)Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n\r\n", .error(.chunkedNotFinal)),
  .init("chunked twice", "POST / HTTP/1.1\r\n\(h)Transfer-Encoding: chunked, chunked\r\n\r\n", .error(.chunkedAppliedTwice)),
  .init("chunked twice across fields", "POST / HTTP/1.1\r\n\(h)Transfer-Encoding: chunked\r\nTransfer-Encoding: Chunked\r\n\r\n", .error(.chunkedAppliedTwice)),
  .init("unknown coding", "POST / HTTP/1.1\r\n\(h)Transfer-Encoding: br, chunked\r\n\r\n", .error(.unknownTransferEncoding)),
  .init("chunked with a parameter", "POST / HTTP/1.1\r\n\(h)Transfer-Encoding: chunked;q=1\r\n\r\n", .error(.invalidTransferEncoding)),
  .init("codings need commas", "POST / HTTP/1.1\r\n\(h)Transfer-Encoding: gzip chunked\r\n\r\n", .error(.invalidTransferEncoding)),
  .init("empty transfer-encoding", "POST / HTTP/1.1\r\n\(h)Transfer-Encoding: \r\n\r\n", .error(.invalidTransferEncoding)),
  .init("near-miss chunked", "POST / HTTP/1.1\r\n\(h)Transfer-Encoding: chunkedx\r\n\r\n", .error(.unknownTransferEncoding)),

  // MARK: first error in byte order
  .init("earlier rule wins over later byte error", "POST / HTTP/1.1\r\n\(h)Content-Length: x\r\nX: \u{0}\r\n\r\n", .error(.invalidContentLength)),
  .init("earlier byte error wins over later rule", "POST / HTTP/1.1\r\n\(h)X: \u{0}\r\nContent-Length: x\r\n\r\n", .error(.controlCharacter)),
]

/// Long values, which the parser checks eight and sixteen bytes at a time: a forbidden byte at
/// every position across a word, a sixteen-byte step and the words after it, obs-text, inner
/// whitespace kept and trailing whitespace dropped, the header limit reached inside a word.
let wordValueCases: [RequestCase] = {
  let value = "abcdefghijklmnopqrstuvwx"  // three words
  let longValue = value + "ABCDEFGHIJKLMNOP"  // five words: a word, two sixteen-byte steps
  var cases: [RequestCase] = [
    .init(
      "long value with spaces, tabs and obs-text",
      "GET / HTTP/1.1\r\n\(h)X: \(value) \t\u{e9}\u{e9}\u{e9}\u{e9}\(value) x  \t \r\n\r\n",
      .ok(.init(fields: [("Host", "a"), ("X", "\(value) \t\u{e9}\u{e9}\u{e9}\u{e9}\(value) x")]))),
    .init(
      "long value reaches the header limit inside a word",
      "GET / HTTP/1.1\r\n\(h)X: \(value)\(value)\r\n\r\n", limits: small, .error(.headerSectionTooLarge)),
  ]
  let forbidden: [(String, String, HTTPParseError.Kind)] = [
    ("NUL", "\u{0}", .controlCharacter), ("ESC", "\u{1b}", .controlCharacter),
    ("DEL", "\u{7f}", .controlCharacter),
    ("CR", "\r", .bareCR), ("LF", "\n", .bareLF),
  ]
  for position in 1..<longValue.count {
    for (name, byte, kind) in forbidden {
      var bytes = Array(longValue)
      bytes[position] = Character(byte)
      cases.append(
        .init(
          "\(name) at \(position) of a long value", "GET / HTTP/1.1\r\n\(h)X: \(String(bytes))\r\n\r\n",
          .error(kind)))
    }
  }
  return cases
}()

/// The RFC table plus the strict choices (HeadParserStrictCases.swift).
let allRequestCases = requestCases + strictRequestCases + wordValueCases

final class HeadParserRequestTests: XCTestCase {
  func check(_ c: RequestCase, feeding: Feeding) -> Outcome<RequestSummary> {
    let outcome = parseRequest(Array(c.input.utf8), limits: c.limits, feeding: feeding)
    switch (c.expect, outcome) {
    case (.ok(let want), .parsed(let got)):
      for problem in want.mismatches(got) { XCTFail("\(c.name) [\(feeding)]: \(problem)") }
    case (.error(let want), .failed(let got)):
      XCTAssertEqual(got, want, "\(c.name) [\(feeding)]")
    case (.incomplete, .incomplete):
      break
    default:
      XCTFail("\(c.name) [\(feeding)]: want \(c.expect), got \(outcome)")
    }
    return outcome
  }

  func testCasesWholeAndByteByByte() {
    FuzzSeeds.record("request-head", allRequestCases.map(\.input))
    for c in allRequestCases {
      let whole = check(c, feeding: .whole)
      let bytewise = check(c, feeding: .byteByByte)
      XCTAssertEqual(whole, bytewise, "\(c.name): whole and byte-by-byte differ")
    }
  }

  func testRandomSplitsAgreeWithWhole() {
    for (index, c) in allRequestCases.enumerated() {
      let whole = parseRequest(Array(c.input.utf8), limits: c.limits, feeding: .whole)
      for round in 0..<20 {
        let seed = UInt64(index * 1000 + round)
        let split = parseRequest(Array(c.input.utf8), limits: c.limits, feeding: .random(seed: seed))
        XCTAssertEqual(whole, split, "\(c.name): split with seed \(seed) differs")
      }
    }
  }

  func testEveryErrorKindStatus() {
    let expected: [HTTPParseError.Kind: Int] = [
      .requestLineTooLong: 414, .headerSectionTooLarge: 431, .tooManyHeaders: 431, .unknownTransferEncoding: 501,
      .connectNotSupported: 501, .unsupportedVersion: 505, .unsupportedExpectation: 417,
    ]
    for kind in HTTPParseError.Kind.allCases {
      XCTAssertEqual(HTTPParseError(kind).status, expected[kind] ?? 400, "\(kind)")
      XCTAssertTrue(HTTPParseError(kind).description.contains(kind.rawValue), "\(kind)")
    }
  }

  func testReuseAfterResetKeepsNoStaleState() {
    var parser = HeadParser(limits: HeadLimits())
    var head = RequestHead()
    let first = Array("POST /a HTTP/1.1\r\nHost: a\r\nX: 1\r\nConnection: close\r\nContent-Length: 2\r\n\r\n".utf8)
    let second = Array("GET /b HTTP/1.1\r\nHost: b\r\n\r\n".utf8)
    first.withUnsafeBytes { XCTAssertEqual(parser.parseRequest($0, into: &head), .complete) }
    XCTAssertEqual(head.fields.count, 4)
    // A completed parser keeps answering .complete until reset.
    first.withUnsafeBytes { XCTAssertEqual(parser.parseRequest($0, into: &head), .complete) }
    parser.reset()
    second.withUnsafeBytes { buffer in
      XCTAssertEqual(parser.parseRequest(buffer, into: &head), .complete)
      XCTAssertEqual(head.fields.count, 1)
      XCTAssertEqual(head.framing, BodyFraming.none)
      XCTAssertTrue(head.keepAlive)
      XCTAssertEqual(head.hostIndex, 0)
      XCTAssertEqual(text(buffer, head.targetStart, head.targetLength), "/b")
    }
  }

  func testFailureIsSticky() {
    var parser = HeadParser(limits: HeadLimits())
    var head = RequestHead()
    let bad = Array("GET /a\u{0} HTTP/1.1\r\n".utf8)
    let good = Array("GET / HTTP/1.1\r\nHost: a\r\n\r\n".utf8)
    bad.withUnsafeBytes {
      XCTAssertEqual(parser.parseRequest($0, into: &head), .failed(HTTPParseError(.invalidTarget)))
    }
    good.withUnsafeBytes {
      XCTAssertEqual(parser.parseRequest($0, into: &head), .failed(HTTPParseError(.invalidTarget)))
    }
  }
}
