import HTTP1

/// Rows for the choices Gatehouse makes where RFC 9110/9112 would allow leniency (docs/security.md,
/// "Request head"). Run by `HeadParserRequestTests` with the RFC table: whole, byte by byte, and at
/// random splits.
let strictRequestCases: [RequestCase] = [
  // MARK: method length
  .init(
    "method of 32 bytes", "ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEF / HTTP/1.1\r\n\(h)\r\n",
    .ok(.init(method: .other, methodText: "ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEF"))),
  .init(
    "method of 33 bytes", "ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFG / HTTP/1.1\r\n\(h)\r\n", .error(.methodTooLong)),
  .init(
    "1 KiB method refused before the line ends", String(repeating: "M", count: 1024), .error(.methodTooLong)),
  .init(
    "longest registered method", "UPDATEREDIRECTREF / HTTP/1.1\r\n\(h)\r\n",
    .ok(.init(methodText: "UPDATEREDIRECTREF"))),

  // MARK: Host
  .init("empty host", "GET / HTTP/1.1\r\nHost:\r\n\r\n", .error(.emptyHost)),
  .init("blank host", "GET / HTTP/1.1\r\nHost: \t \r\n\r\n", .error(.emptyHost)),
  .init(
    "host with port", "GET / HTTP/1.1\r\nHost: example.com:8080\r\n\r\n", .ok(.init(host: "example.com:8080"))
  ),
  .init(
    "host IPv4 and port", "GET / HTTP/1.1\r\nHost: 10.0.0.1:65535\r\n\r\n", .ok(.init(host: "10.0.0.1:65535"))
  ),
  .init("host IPv6 without port", "GET / HTTP/1.1\r\nHost: [fe80::1]\r\n\r\n", .ok(.init(host: "[fe80::1]"))),
  .init(
    "host IPv4-embedded IPv6", "GET / HTTP/1.1\r\nHost: [::ffff:10.0.0.1]:1\r\n\r\n",
    .ok(.init(host: "[::ffff:10.0.0.1]:1"))),
  .init(
    "host with underscore", "GET / HTTP/1.1\r\nHost: my_svc.internal\r\n\r\n",
    .ok(.init(host: "my_svc.internal"))),
  .init("host port with leading zero", "GET / HTTP/1.1\r\nHost: a:080\r\n\r\n", .ok(.init(host: "a:080"))),
  .init("host empty port", "GET / HTTP/1.1\r\nHost: a:\r\n\r\n", .error(.invalidHostPort)),
  .init("host port zero", "GET / HTTP/1.1\r\nHost: a:0\r\n\r\n", .error(.invalidHostPort)),
  .init("host port 65536", "GET / HTTP/1.1\r\nHost: a:65536\r\n\r\n", .error(.invalidHostPort)),
  .init("host port of six digits", "GET / HTTP/1.1\r\nHost: a:000080\r\n\r\n", .error(.invalidHostPort)),
  .init("host port with a letter", "GET / HTTP/1.1\r\nHost: a:8o\r\n\r\n", .error(.invalidHostPort)),
  .init("host with two colons", "GET / HTTP/1.1\r\nHost: a:1:2\r\n\r\n", .error(.invalidHostPort)),
  .init("host port only", "GET / HTTP/1.1\r\nHost: :80\r\n\r\n", .error(.invalidHost)),
  .init("host percent-encoded", "GET / HTTP/1.1\r\nHost: ex%61mple.com\r\n\r\n", .error(.invalidHost)),
  .init("host with sub-delims", "GET / HTTP/1.1\r\nHost: a!b\r\n\r\n", .error(.invalidHost)),
  .init("host with tilde", "GET / HTTP/1.1\r\nHost: a~b\r\n\r\n", .error(.invalidHost)),
  .init("host empty brackets", "GET / HTTP/1.1\r\nHost: []\r\n\r\n", .error(.invalidHost)),
  .init("host unclosed bracket", "GET / HTTP/1.1\r\nHost: [::1\r\n\r\n", .error(.invalidHost)),
  .init("host IPvFuture", "GET / HTTP/1.1\r\nHost: [v1.x]\r\n\r\n", .error(.invalidHost)),
  .init("host bytes after the literal", "GET / HTTP/1.1\r\nHost: [::1]x\r\n\r\n", .error(.invalidHost)),
  .init("host bracket inside a name", "GET / HTTP/1.1\r\nHost: a[::1]\r\n\r\n", .error(.invalidHost)),
  .init("host on HTTP/1.0 is checked too", "GET / HTTP/1.0\r\nHost: a:0\r\n\r\n", .error(.invalidHostPort)),

  // MARK: Expect
  .init(
    "repeated expect",
    "PUT / HTTP/1.1\r\n\(h)Expect: 100-continue\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\n",
    .error(.duplicateExpect)),
  .init(
    "repeated expect on HTTP/1.0", "PUT / HTTP/1.0\r\nExpect: 100-continue\r\nexpect: 100-continue\r\n\r\n",
    .error(.duplicateExpect)),
  .init(
    "expect flags on HTTP/1.1", "PUT / HTTP/1.1\r\n\(h)Expect: 100-continue\r\nContent-Length: 1\r\n\r\n",
    .ok(.init(expectContinue: true, flags: [("Expect", .expect)]))),

  // MARK: field names a backend may fold into another field
  .init(
    "transfer_encoding", "POST / HTTP/1.1\r\n\(h)Transfer_Encoding: chunked\r\nContent-Length: 1\r\n\r\n",
    .error(.lookalikeFieldName)),
  .init("content_length", "POST / HTTP/1.1\r\n\(h)Content_Length: 5\r\n\r\n", .error(.lookalikeFieldName)),
  .init("mixed case and separators", "POST / HTTP/1.1\r\n\(h)content-LENGTH_: 5\r\n\r\n", .ok(.init())),
  .init("transfer-encoding_ half", "POST / HTTP/1.1\r\n\(h)Transfer-encoding_x: 5\r\n\r\n", .ok(.init())),
  .init(
    "transfer_encoding mixed", "POST / HTTP/1.1\r\n\(h)TRANSFER_encoding: gzip\r\n\r\n",
    .error(.lookalikeFieldName)),
  .init("keep_alive", "GET / HTTP/1.1\r\n\(h)Keep_Alive: 5\r\n\r\n", .error(.lookalikeFieldName)),
  .init(
    "proxy_connection", "GET / HTTP/1.1\r\n\(h)Proxy_Connection: close\r\n\r\n", .error(.lookalikeFieldName)),
  .init(
    "user_agent", "GET / HTTP/1.1\r\n\(h)User-Agent: a\r\nUser_Agent: b\r\n\r\n", .error(.lookalikeFieldName)),
  .init(
    "content_type", "POST / HTTP/1.1\r\n\(h)Content_Type: text/plain\r\n\r\n", .error(.lookalikeFieldName)),
  .init(
    "sec_fetch_site", "GET / HTTP/1.1\r\n\(h)Sec_Fetch_Site: same-origin\r\n\r\n", .error(.lookalikeFieldName)
  ),
  .init(
    "other underscore names pass", "GET / HTTP/1.1\r\n\(h)X_Custom_Thing: 1\r\n_: 2\r\n\r\n",
    .ok(.init(fields: [("Host", "a"), ("X_Custom_Thing", "1"), ("_", "2")]))),
  .init("percent in a name", "GET / HTTP/1.1\r\n\(h)X%2DA: 1\r\n\r\n", .error(.percentInFieldName)),
  .init(
    "percent-encoded transfer-encoding", "POST / HTTP/1.1\r\n\(h)Transfer%2DEncoding: chunked\r\n\r\n",
    .error(.percentInFieldName)),
  .init("name starting with percent", "GET / HTTP/1.1\r\n\(h)%41: 1\r\n\r\n", .error(.percentInFieldName)),

  // MARK: fields the proxy reads as one value
  .init(
    "two user-agent lines", "GET / HTTP/1.1\r\n\(h)User-Agent: a\r\nuser-agent: b\r\n\r\n",
    .error(.duplicateSingletonField)),
  .init(
    "two origin lines", "POST / HTTP/1.1\r\n\(h)Origin: https://a\r\nOrigin: https://b\r\n\r\n",
    .error(.duplicateSingletonField)),
  .init(
    "two sec-fetch-site lines",
    "POST / HTTP/1.1\r\n\(h)Sec-Fetch-Site: same-origin\r\nSec-Fetch-Site: cross-site\r\n\r\n",
    .error(.duplicateSingletonField)),
  .init(
    "two content-type lines",
    "POST / HTTP/1.1\r\n\(h)Content-Type: text/plain\r\nContent-Type: application/json\r\n\r\n",
    .error(.duplicateSingletonField)),
  .init(
    "one of each singleton",
    "POST / HTTP/1.1\r\n\(h)User-Agent: a\r\nOrigin: o\r\nSec-Fetch-Site: none\r\nContent-Type: t\r\n\r\n",
    .ok(.init(method: .post))),
  .init(
    "repeated list fields pass",
    "GET / HTTP/1.1\r\n\(h)Accept: a\r\nAccept: b\r\nCookie: a=1\r\nCookie: b=2\r\n\r\n",
    .ok(.init())),
]
