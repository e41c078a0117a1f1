import Foundation
import XCTest

/// How upstream failures reach the client: 502 when unreachable, 504 on a response timeout, a cut
/// connection when the upstream dies mid-body, and recovery once the upstream comes up.
final class ProxyUpstreamFailureTests: GatehouseTestCase {
  func testUnreachableUpstreamIs502() throws {
    let gatehouse = try startGatehouse(upstreamPort: try PortAllocator.freePort())
    let response = try exchange(gatehouse, RawClient.request("GET", "/down"))
    XCTAssertEqual(response.status, 502, "\(response)")
  }

  func testSlowUpstreamIs504AfterResponseTimeout() throws {
    let gatehouse = try startGatehouse()
    let started = Date()
    let response = try exchange(gatehouse, RawClient.request("GET", "/delay/3000"), timeout: 6)
    let elapsed = Date().timeIntervalSince(started)
    XCTAssertEqual(response.status, 504, "\(response)")
    XCTAssertGreaterThan(elapsed, 1.5, "504 long before response_timeout (2s)")
  }

  func testUpstreamClosingMidBodyCutsTheClientConnection() throws {
    let gatehouse = try startGatehouse()
    let client = try gatehouse.connect()
    try client.sendRequest("GET", "/close-mid")
    let received = try client.readUntilClose(timeout: 5)
    let parsed = try? HTTPMessageReader.readResponse(SocketReader(bytes: received), requestMethod: "GET", deadline: nil)
    XCTAssertFalse(
      parsed?.status == 200 && parsed?.body.count == 100,
      "the client got a complete 100-byte body the upstream never sent: \(String(decoding: received, as: UTF8.self))")
  }

  func testUpstreamThatStartsLateIsUsedOnceUp() throws {
    let port = try PortAllocator.freePort()
    let gatehouse = try startGatehouse(upstreamPort: port)
    XCTAssertEqual(try exchange(gatehouse, RawClient.request("GET", "/early")).status, 502, "before the upstream")
    let late = try startUpstream(port: port)
    XCTAssertEqual(try exchange(gatehouse, RawClient.request("GET", "/late")).status, 200, "after the upstream")
    XCTAssertEqual(late.requests.map(\.target), ["/late"])
  }
}
