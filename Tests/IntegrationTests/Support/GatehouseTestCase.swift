import Foundation
import XCTest

/// Base class of the proxy tests: an `EchoUpstream` per test, a `gatehouse` started on demand, both
/// stopped (by pid / by socket shutdown) in `tearDown` whatever the test did. Runs on the XCTest thread.
class GatehouseTestCase: XCTestCase {
  var upstream: EchoUpstream!
  private var processes: [GatehouseProcess] = []
  private var extraUpstreams: [EchoUpstream] = []

  override func setUpWithError() throws {
    try super.setUpWithError()
    upstream = try EchoUpstream()
  }

  override func tearDown() {
    for process in processes { process.stop() }
    processes = []
    upstream?.stop()
    for extra in extraUpstreams { extra.stop() }
    extraUpstreams = []
    super.tearDown()
  }

  /// Starts gatehouse with `config`, forwarding to `upstreamPort` (default: this test's echo upstream).
  @discardableResult
  func startGatehouse(_ config: ProxyConfig = ProxyConfig(), upstreamPort: UInt16? = nil) throws
    -> GatehouseProcess
  {
    let process = try GatehouseProcess(config: config.toml, upstreamPort: upstreamPort ?? upstream.port)
    processes.append(process)
    return process
  }

  /// Starts gatehouse with a whole TOML template (placeholders as in `GatehouseProcess`).
  @discardableResult
  func startGatehouse(toml: String) throws -> GatehouseProcess {
    let process = try GatehouseProcess(config: toml, upstreamPort: upstream.port)
    processes.append(process)
    return process
  }

  /// An extra upstream stopped in `tearDown` (e.g. one started late on a chosen port).
  func startUpstream(port: UInt16) throws -> EchoUpstream {
    let extra = try EchoUpstream(port: port)
    extraUpstreams.append(extra)
    return extra
  }

  /// Sends `bytes` on a new connection and reads one response.
  func exchange(
    _ gatehouse: GatehouseProcess, _ bytes: [UInt8], method: String = "GET", timeout: TimeInterval = 5
  ) throws -> HTTPResponse {
    let client = try gatehouse.connect()
    try client.send(bytes)
    return try client.readResponse(timeout: timeout, requestMethod: method)
  }

  /// One request on a new connection; returns the response and what the upstream received for it
  /// (the last recorded request with that target, nil if none reached the upstream).
  func send(
    _ gatehouse: GatehouseProcess, _ method: String, _ target: String, host: String = "gatehouse.test",
    headers: [(String, String)] = [], body: [UInt8] = []
  ) throws -> (response: HTTPResponse, forwarded: RecordedRequest?) {
    let response = try exchange(
      gatehouse, RawClient.request(method, target, host: host, headers: headers, body: body), method: method)
    return (response, upstream.requests.last { $0.target == target })
  }

  /// Asserts that no request reached the upstream after the first `count` ones. A probe request sent
  /// afterwards must be the only new one, which also shows gatehouse still serves after the bad input.
  func assertNothingForwarded(
    after count: Int, _ name: String, through gatehouse: GatehouseProcess, probe: String = "/__probe",
    file: StaticString = #filePath, line: UInt = #line
  ) {
    do {
      let response = try exchange(gatehouse, RawClient.request("GET", probe))
      XCTAssertEqual(response.status, 200, "\(name): probe after the case", file: file, line: line)
    } catch {
      XCTFail("\(name): probe after the case failed: \(error)", file: file, line: line)
    }
    let new = upstream.requests.dropFirst(count).map(\.target)
    XCTAssertEqual(new, [probe], "\(name): the upstream received more than the probe", file: file, line: line)
  }
}
