import Foundation
import XCTest

#if canImport(Glibc)
  import Glibc
#endif

/// Starts the built `gatehouse` binary against a tiny keep-alive upstream and checks the admin
/// listener, the metrics and the access log over real loopback sockets.
final class OpsAdminTests: XCTestCase {
  func testAdminEndpointsOverTheWire() throws {
    let run = try OpsRun(token: "admintoken")
    defer { run.stop() }
    struct Case {
      let name: String
      let request: String
      let status: Int
      let contentType: String?
      let body: String?
    }
    let auth = "Authorization: Bearer admintoken\r\n"
    let cases: [Case] = [
      Case(
        name: "healthz without token", request: "GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n", status: 200,
        contentType: "text/plain; charset=utf-8", body: "ok\n"),
      Case(
        name: "readyz without token (probes cannot send one)",
        request: "GET /readyz HTTP/1.1\r\nHost: a\r\n\r\n",
        status: 200, contentType: "application/json", body: nil),
      Case(
        name: "metrics without token", request: "GET /metrics HTTP/1.1\r\nHost: a\r\n\r\n", status: 401,
        contentType: nil, body: nil),
      Case(
        name: "readyz with token", request: "GET /readyz HTTP/1.1\r\nHost: a\r\n\(auth)\r\n", status: 200,
        contentType: "application/json", body: "{\"status\":\"ready\"}\n"),
      Case(
        name: "metrics wrong token",
        request: "GET /metrics HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer nope\r\n\r\n", status: 401,
        contentType: nil, body: nil),
      Case(
        name: "metrics with token", request: "GET /metrics HTTP/1.1\r\nHost: a\r\n\(auth)\r\n", status: 200,
        contentType: "text/plain; version=0.0.4; charset=utf-8", body: nil),
      Case(
        name: "config with token", request: "GET /config HTTP/1.1\r\nHost: a\r\n\(auth)\r\n", status: 200,
        contentType: "text/plain; charset=utf-8", body: nil),
      Case(
        name: "POST refused", request: "POST /healthz HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n",
        status: 405, contentType: nil, body: nil),
      Case(
        name: "unknown path", request: "GET /nope HTTP/1.1\r\nHost: a\r\n\r\n", status: 404, contentType: nil,
        body: nil),
    ]
    // All on one kept-alive connection: keep-alive is honoured.
    let connection = try RawConnection(port: run.adminPort)
    defer { connection.close() }
    for c in cases {
      let response = try connection.exchange(c.request)
      XCTAssertEqual(response.status, c.status, c.name)
      if let type = c.contentType { XCTAssertEqual(response.headers["content-type"], type, c.name) }
      if let body = c.body { XCTAssertEqual(response.body, body, c.name) }
      if c.status == 401 { XCTAssertEqual(response.headers["www-authenticate"], "Bearer", c.name) }
    }
    let config = try connection.exchange("GET /config HTTP/1.1\r\nHost: a\r\n\(auth)\r\n").body
    XCTAssertFalse(config.contains("admintoken"), "config dump leaks the admin token")
  }

  func testMetricsCountRequestsAndRejections() throws {
    let run = try OpsRun(token: nil)
    defer { run.stop() }
    let admin = try RawConnection(port: run.adminPort)
    defer { admin.close() }
    func scrape() throws -> [String: Double] {
      let response = try admin.exchange("GET /metrics HTTP/1.1\r\nHost: a\r\n\r\n")
      XCTAssertEqual(response.status, 200)
      var values: [String: Double] = [:]
      for line in response.body.split(separator: "\n") where !line.hasPrefix("#") {
        if let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) {
          values[String(line[..<space])] = value
        }
      }
      return values
    }
    let series = #"gatehouse_requests_total{route="app",method_class="read",status_class="2xx"}"#
    let rejections = #"gatehouse_parse_rejections_total{reason="conflictingContentLength"}"#
    let before = try scrape()
    for family in [
      "gatehouse_client_connections", #"gatehouse_upstream_pool_connections{state="idle"}"#,
      #"gatehouse_config_reloads_total{result="success"}"#, "gatehouse_log_lines_dropped_total",
    ] {
      XCTAssertNotNil(before[family], "family missing: \(family)")
    }
    let proxy = try RawConnection(port: run.proxyPort)
    let count = 7
    for index in 0..<count {
      let response = try proxy.exchange("GET /item/\(index) HTTP/1.1\r\nHost: a\r\n\r\n")
      XCTAssertEqual(response.status, 200, "request \(index)")
    }
    proxy.close()
    let bad = try RawConnection(port: run.proxyPort)
    let rejected = try bad.exchange(
      "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n")
    XCTAssertEqual(rejected.status, 400)
    bad.close()
    let after = try scrape()
    XCTAssertEqual((after[series] ?? 0) - (before[series] ?? 0), Double(count), "requests_total delta")
    XCTAssertEqual((after[rejections] ?? 0) - (before[rejections] ?? 0), 1, "parse rejection delta")
    let durations = after.filter { $0.key.hasPrefix("gatehouse_request_duration_seconds_count") }.values
      .reduce(0, +)
    XCTAssertEqual(durations, Double(count + 1), "one duration per request, rejected included")
  }

  func testOneAccessLinePerRequestWithoutSecrets() throws {
    let run = try OpsRun(token: "admintoken")
    let proxy = try RawConnection(port: run.proxyPort)
    let ids = (0..<3).map { "ops-req-\($0)" }
    for id in ids {
      let response = try proxy.exchange(
        "GET /orders?token=querysecret HTTP/1.1\r\nHost: a\r\nX-Request-Id: \(id)\r\n"
          + "Authorization: Bearer secret-token-123\r\nCookie: sid=abc\r\nX-User-Id: 42\r\n\r\n")
      XCTAssertEqual(response.status, 200, id)
    }
    proxy.close()
    let output = run.stop()
    for secret in ["secret-token-123", "sid=abc", "querysecret", "admintoken"] {
      XCTAssertFalse(output.contains(secret), "log output contains \(secret)")
    }
    let lines = output.split(separator: "\n")
    for id in ids {
      let access = lines.filter {
        $0.contains(#""event":"access""#) && $0.contains(#""request_id":"\#(id)""#)
      }
      XCTAssertEqual(access.count, 1, "access lines for \(id)")
      guard let line = access.first else { continue }
      for field in [
        #""time":""#, #""trace_id":""#, #""span_id":""#, #""client_ip":"127.0.0.1""#, #""method":"GET""#,
        #""path":"/orders""#, #""status":200"#, #""bytes_in":0"#, #""bytes_out":2"#, #""duration_ms":"#,
        #""upstream_ms":"#, #""route":"app""#, #""auth":"public""#,
      ] {
        XCTAssertTrue(line.contains(field), "\(id): missing \(field) in \(line)")
      }
      let spoofed = lines.filter {
        $0.contains(#""event":"security""#) && $0.contains(#""kind":"spoofed_header""#)
          && $0.contains(#""request_id":"\#(id)""#)
      }
      XCTAssertEqual(spoofed.count, 1, "spoofed_header event for \(id)")
    }
  }
}

// MARK: - Small helpers (this file only; the shared harness lives in Support/ on another branch)

/// One gatehouse process with its upstream, on free loopback ports. Stops what it started.
final class OpsRun {
  let proxyPort: Int
  let adminPort: Int
  private let process = Process()
  private let upstream: OpsUpstream
  private let directory: URL
  private let logURL: URL
  private var stopped = false
  private var output = ""

  init(token: String?) throws {
    upstream = try OpsUpstream()
    proxyPort = try freePort()
    adminPort = try freePort()
    directory = FileManager.default.temporaryDirectory.appendingPathComponent("ops-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let tokenLine = token.map { "token = \"\($0)\"\n" } ?? ""
    let config = """
      [server]
      listen = "127.0.0.1:\(proxyPort)"
      workers = 2
      [upstream]
      address = "127.0.0.1:\(upstream.port)"
      [admin]
      listen = "127.0.0.1:\(adminPort)"
      \(tokenLine)
      [headers]
      strip = ["X-User-*"]
      [[route]]
      name = "app"
      path_prefix = "/"
      auth = "public"

      """
    let configURL = directory.appendingPathComponent("proxy.conf")
    try config.write(to: configURL, atomically: true, encoding: .utf8)
    logURL = directory.appendingPathComponent("stdout.log")
    FileManager.default.createFile(atPath: logURL.path, contents: nil)
    process.executableURL = try binaryURL()
    process.arguments = ["run", "-c", configURL.path]
    process.standardOutput = try FileHandle(forWritingTo: logURL)
    process.standardError = FileHandle.standardError
    try process.run()
    // Wait until the admin answers /readyz with 200 (a real process start: polling is the only
    // clock; /healthz answers as soon as the admin listener runs, before the workers started).
    let deadline = Date().addingTimeInterval(10)
    while Date() < deadline {
      if let connection = try? RawConnection(port: adminPort),
        let response = try? connection.exchange("GET /readyz HTTP/1.1\r\nHost: a\r\n\r\n"),
        response.status == 200
      {
        connection.close()
        return
      }
      usleep(20_000)
    }
    stop()
    throw OpsError("gatehouse did not start on admin port \(adminPort)")
  }

  /// SIGTERM, wait, and return everything the process wrote to stdout.
  @discardableResult
  func stop() -> String {
    if stopped { return output }
    stopped = true
    if process.isRunning {
      kill(process.processIdentifier, SIGTERM)
      process.waitUntilExit()
    }
    upstream.stop()
    output = (try? String(contentsOf: logURL, encoding: .utf8)) ?? ""
    try? FileManager.default.removeItem(at: directory)
    return output
  }

  private func binaryURL() throws -> URL {
    var root = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { root.deleteLastPathComponent() }
    for configuration in ["debug", "release"] {
      let url = root.appendingPathComponent(".build/\(configuration)/gatehouse")
      if FileManager.default.isExecutableFile(atPath: url.path) { return url }
    }
    throw OpsError("gatehouse binary not built under \(root.path)/.build")
  }
}

struct OpsError: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}

/// A loopback port for a server the test starts (`PortAllocator`).
func freePort() throws -> Int { Int(try PortAllocator.freePort()) }

func loopback(port: Int) -> sockaddr_in {
  var address = sockaddr_in()
  address.sin_family = sa_family_t(AF_INET)
  address.sin_port = in_port_t(UInt16(port).bigEndian)
  address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
  return address
}

func localPort(_ fd: Int32) -> Int {
  var address = sockaddr_in()
  var length = socklen_t(MemoryLayout<sockaddr_in>.size)
  _ = withUnsafeMutablePointer(to: &address) {
    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
  }
  return Int(UInt16(bigEndian: address.sin_port))
}

/// A blocking HTTP/1.1 client connection (Content-Length responses only) with a receive timeout.
final class RawConnection {
  struct Response {
    let status: Int
    let headers: [String: String]
    let body: String
  }

  let fd: Int32
  private var buffer: [UInt8] = []

  init(port: Int) throws {
    fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var timeout = timeval(tv_sec: 5, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    var address = loopback(port: port)
    let result = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    guard result == 0 else {
      Glibc.close(fd)
      throw OpsError("connect to \(port): errno \(errno)")
    }
  }

  func close() { Glibc.close(fd) }

  func exchange(_ request: String) throws -> Response {
    let bytes = Array(request.utf8)
    var sent = 0
    while sent < bytes.count {
      let n = bytes[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
      guard n > 0 else { throw OpsError("send: errno \(errno)") }
      sent += n
    }
    var headEnd: Int?
    while true {
      if headEnd == nil, let end = findHeadEnd() { headEnd = end }
      if let end = headEnd {
        let head = String(decoding: buffer[..<end], as: UTF8.self)
        var headers: [String: String] = [:]
        let lines = head.components(separatedBy: "\r\n")
        for line in lines.dropFirst() {
          if let colon = line.firstIndex(of: ":") {
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
              in: .whitespaces)
          }
        }
        let length = Int(headers["content-length"] ?? "0") ?? 0
        if buffer.count >= end + 4 + length {
          let status = Int(lines[0].split(separator: " ")[1]) ?? 0
          let body = String(decoding: buffer[(end + 4)..<(end + 4 + length)], as: UTF8.self)
          buffer.removeFirst(end + 4 + length)
          return Response(status: status, headers: headers, body: body)
        }
      }
      var chunk = [UInt8](repeating: 0, count: 65536)
      let n = recv(fd, &chunk, chunk.count, 0)
      guard n > 0 else { throw OpsError("recv: \(n == 0 ? "eof" : "errno \(errno)")") }
      buffer += chunk[0..<n]
    }
  }

  private func findHeadEnd() -> Int? {
    guard buffer.count >= 4 else { return nil }
    for index in 0...(buffer.count - 4)
    where buffer[index] == 13 && buffer[index + 1] == 10 && buffer[index + 2] == 13 && buffer[index + 3] == 10
    {
      return index
    }
    return nil
  }
}

/// Upstream answering every request with `200` and body `ok`, keep-alive, one thread per
/// connection. Stopped by closing its listener.
final class OpsUpstream: @unchecked Sendable {
  let port: Int
  private let listener: Int32
  private let thread: Thread

  init() throws {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var one: Int32 = 1
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
    var address = loopback(port: 0)
    let bound = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    guard bound == 0, listen(fd, 64) == 0 else { throw OpsError("upstream bind: \(errno)") }
    listener = fd
    port = localPort(fd)
    thread = Thread {
      while true {
        let client = accept(fd, nil, nil)
        if client < 0 { return }
        Thread { OpsUpstream.serve(client) }.start()
      }
    }
    thread.start()
  }

  func stop() {
    shutdown(listener, Int32(SHUT_RDWR))
    Glibc.close(listener)
  }

  private static func serve(_ fd: Int32) {
    defer { Glibc.close(fd) }
    var pending: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 16384)
    while true {
      let n = recv(fd, &chunk, chunk.count, 0)
      if n <= 0 { return }
      pending += chunk[0..<n]
      while let end = headEnd(pending) {
        pending.removeFirst(end + 4)
        let response = Array(
          "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Type: text/plain\r\n\r\nok".utf8)
        _ = response.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
      }
    }
  }

  private static func headEnd(_ bytes: [UInt8]) -> Int? {
    guard bytes.count >= 4 else { return nil }
    for index in 0...(bytes.count - 4)
    where bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 {
      return index
    }
    return nil
  }
}
