import Foundation
import Glibc
import XCTest

/// The harness checked against itself (RawClient ↔ EchoUpstream, child processes), so a failing
/// proxy test points at the proxy, not at the harness. Needs no gatehouse binary.
final class HarnessSelfTests: XCTestCase {
  private var upstream: EchoUpstream!

  override func setUpWithError() throws { upstream = try EchoUpstream() }
  override func tearDown() { upstream.stop() }

  private func echo(_ response: HTTPResponse) throws -> [String: Any] {
    try XCTUnwrap(JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any], "\(response)")
  }

  /// Ports for servers the tests start come from below the kernel's ephemeral range (no client
  /// socket or port-0 listener can take one before the server binds it), never twice, and free.
  func testPortsComeFromBelowTheEphemeralRangeAndAreNeverRepeated() throws {
    let range = try String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8)
    let low = try XCTUnwrap(range.split(whereSeparator: \.isWhitespace).first.flatMap { Int($0) })
    var seen = Set<Int>()
    for _ in 0..<50 {
      let port = Int(try PortAllocator.freePort())
      XCTAssertTrue(seen.insert(port).inserted, "port \(port) handed out twice")
      XCTAssertLessThan(port + 10_000, low, "a cluster bus port (port + 10000) stays below the range")
      let held = try LoopbackSocket.listen(port: UInt16(port))
      _ = Glibc.close(held)
    }
  }

  func testRequestsAreRecordedAndEchoed() throws {
    struct Case {
      let name: String
      let bytes: [UInt8]
      let method: String
      let target: String
      let body: [UInt8]
    }
    let body = Array("hello, upstream".utf8)
    let cases = [
      Case(name: "GET", bytes: RawClient.request("GET", "/a?b=c"), method: "GET", target: "/a?b=c", body: []),
      Case(
        name: "POST Content-Length", bytes: RawClient.request("POST", "/p", body: body), method: "POST",
        target: "/p", body: body),
      Case(
        name: "POST chunked",
        bytes: RawClient.request("POST", "/c", headers: [("Transfer-Encoding", "chunked")])
          + RawClient.chunked(body, chunkSize: 4),
        method: "POST", target: "/c", body: body),
    ]
    for testCase in cases {
      upstream.reset()
      let client = try RawClient(port: upstream.port)
      try client.send(testCase.bytes)
      let response = try client.readResponse()
      XCTAssertEqual(response.status, 200, testCase.name)
      let recorded = upstream.requests
      XCTAssertEqual(recorded.count, 1, testCase.name)
      XCTAssertEqual(recorded.first?.method, testCase.method, testCase.name)
      XCTAssertEqual(recorded.first?.target, testCase.target, testCase.name)
      XCTAssertEqual(recorded.first?.body, testCase.body, testCase.name)
      XCTAssertEqual(recorded.first?.headers.value("Host"), "gatehouse.test", testCase.name)
      let json = try echo(response)
      XCTAssertEqual(json["target"] as? String, testCase.target, testCase.name)
      XCTAssertEqual(json["body_base64"] as? String, Data(testCase.body).base64EncodedString(), testCase.name)
    }
  }

  func testKeepAliveReusesOneConnection() throws {
    let client = try RawClient(port: upstream.port)
    for index in 0..<3 {
      try client.sendRequest("GET", "/k\(index)")
      XCTAssertEqual(try client.readResponse().status, 200, "request \(index)")
    }
    XCTAssertEqual(upstream.connectionsAccepted, 1)
    XCTAssertEqual(Set(upstream.requests.map(\.connectionID)), [1])
  }

  func testPathBehaviours() throws {
    struct Case {
      let name: String
      let method: String
      let target: String
      let status: Int
      let bodyCheck: (HTTPResponse) -> Bool
    }
    let cases = [
      Case(name: "204 has no body", method: "GET", target: "/status/204", status: 204) { $0.body.isEmpty },
      Case(name: "304 has no body", method: "GET", target: "/status/304", status: 304) { $0.body.isEmpty },
      Case(name: "418 echoes", method: "GET", target: "/status/418", status: 418) { !$0.body.isEmpty },
      Case(name: "chunked", method: "GET", target: "/chunked", status: 200) {
        $0.headers.value("Transfer-Encoding") == "chunked"
          && $0.bodyText.contains("\"target\":\"\\/chunked\"")
      },
      Case(name: "bytes", method: "GET", target: "/bytes/1000", status: 200) {
        $0.body == EchoUpstream.pattern(count: 1000)
      },
      Case(name: "HEAD has no body", method: "HEAD", target: "/bytes/1000", status: 200) {
        $0.body.isEmpty && $0.headers.value("Content-Length") == "1000"
      },
      Case(name: "slow body", method: "GET", target: "/slow-body/1000", status: 200) {
        $0.body == EchoUpstream.pattern(count: 1000)
      },
      Case(name: "delay", method: "GET", target: "/delay/50", status: 200) { !$0.body.isEmpty },
    ]
    let client = try RawClient(port: upstream.port)
    for testCase in cases {
      try client.sendRequest(testCase.method, testCase.target)
      let response = try client.readResponse(requestMethod: testCase.method)
      XCTAssertEqual(response.status, testCase.status, testCase.name)
      XCTAssertTrue(testCase.bodyCheck(response), "\(testCase.name): \(response)")
    }
    XCTAssertEqual(upstream.connectionsAccepted, 1, "all cases on one keep-alive connection")
  }

  func testContinueSendsInterimResponse() throws {
    let client = try RawClient(port: upstream.port)
    try client.sendRequest(
      "POST", "/anything", headers: [("Expect", "100-continue"), ("Content-Length", "5")])
    XCTAssertEqual(try client.readInterimResponse().status, 100)
    try client.send("hello")
    let response = try client.readResponse()
    XCTAssertEqual(response.status, 200)
    XCTAssertEqual(upstream.requests.first?.body, Array("hello".utf8))

    try client.sendRequest("POST", "/continue", body: Array("abc".utf8))
    let second = try client.readResponse()
    XCTAssertEqual(second.interim.map(\.status), [100], "\(second)")
    XCTAssertEqual(second.status, 200)
  }

  func testCloseMidLeavesIncompleteBody() throws {
    let client = try RawClient(port: upstream.port)
    try client.sendRequest("GET", "/close-mid")
    let bytes = try client.readUntilClose()
    XCTAssertThrowsError(
      try HTTPMessageReader.readResponse(SocketReader(bytes: bytes), requestMethod: "GET", deadline: nil))
    XCTAssertTrue(String(decoding: bytes, as: UTF8.self).hasPrefix("HTTP/1.1 200"))
  }

  func testWebSocketUpgradeEchoesBytes() throws {
    let client = try RawClient(port: upstream.port)
    try client.sendRequest("GET", "/ws", headers: [("Upgrade", "websocket"), ("Connection", "Upgrade")])
    XCTAssertEqual(try client.readResponse().status, 101)
    let payload: [UInt8] = Array(0...255)
    try client.send(payload)
    XCTAssertEqual(try client.readExactly(payload.count), payload)
    client.shutdownWrite()
    XCTAssertTrue(client.isClosedByPeer())
  }

  func testConnectionCloseIsHonoured() throws {
    let client = try RawClient(port: upstream.port)
    try client.sendRequest("GET", "/", headers: [("Connection", "close")])
    XCTAssertEqual(try client.readResponse().headers.value("Connection"), "close")
    XCTAssertTrue(client.isClosedByPeer())
  }

  func testReadTimesOutWhenNothingArrives() throws {
    let client = try RawClient(port: upstream.port)
    try client.send("GET / HTTP/1.1\r\nHost: x\r\n")  // incomplete head
    XCTAssertThrowsError(try client.readResponse(timeout: 0.2))
    XCTAssertFalse(client.isClosedByPeer(timeout: 0.1))
  }

  func testStoppedUpstreamRefusesConnections() throws {
    let port = upstream.port
    upstream.stop()
    XCTAssertTrue(
      waitUntil(timeout: 10) {
        do {
          _ = try RawClient(port: port)
          return false
        } catch let error as ConnectError {
          return error.isRefused
        } catch {
          return false
        }
      })
  }

  func testUpstreamOnChosenPort() throws {
    let port = try PortAllocator.freePort()
    let second = try EchoUpstream(port: port)
    defer { second.stop() }
    XCTAssertEqual(second.port, port)
    let client = try RawClient(port: port)
    try client.sendRequest("GET", "/")
    XCTAssertEqual(try client.readResponse().status, 200)
  }

  func testChildProcessExitStatus() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    struct Case {
      let name: String
      let script: String
      let expected: ExitStatus
    }
    let cases = [
      Case(name: "exit 0", script: "echo out; echo err >&2", expected: .exited(0)),
      Case(name: "exit 3", script: "exit 3", expected: .exited(3)),
      Case(name: "killed", script: "kill -9 $$", expected: .signaled(SIGKILL)),
    ]
    for testCase in cases {
      let child = try ChildProcess(
        executable: "/bin/sh", arguments: ["-c", testCase.script],
        stdoutPath: directory.path("o"), stderrPath: directory.path("e"))
      XCTAssertEqual(child.waitForExit(timeout: 5), testCase.expected, testCase.name)
      if testCase.name == "exit 0" {
        XCTAssertEqual(child.stdoutText, "out\n")
        XCTAssertEqual(child.stderrText, "err\n")
      }
    }
    let sleeper = try ChildProcess(
      executable: "/bin/sleep", arguments: ["30"], stdoutPath: directory.path("o"),
      stderrPath: directory.path("e"))
    XCTAssertTrue(sleeper.isRunning)
    XCTAssertEqual(sleeper.kill(grace: 5), .signaled(SIGTERM))
  }

  func testMissingBinaryMessageSaysWhatToDo() {
    XCTAssertThrowsError(try GatehouseBinary.require(at: "/nonexistent/gatehouse")) { error in
      XCTAssertEqual(
        "\(error)",
        "gatehouse binary not found at /nonexistent/gatehouse: run `swift build` first (or set GATEHOUSE_BIN)"
      )
    }
  }

  func testConfigTemplateIsFilled() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let text = GatehouseProcess.render(
      ProxyConfig(trustedProxies: ["127.0.0.1/32"]).toml, port: 1, adminPort: 2, upstreamPort: 3,
      directory: directory)
    XCTAssertTrue(text.contains("listen = \"127.0.0.1:1\""))
    XCTAssertTrue(text.contains("listen = \"127.0.0.1:2\""))
    XCTAssertTrue(text.contains("address = \"127.0.0.1:3\""))
    XCTAssertTrue(text.contains("trusted_proxies = [\"127.0.0.1/32\"]"))
    XCTAssertFalse(text.contains("{"), text)
  }
}
