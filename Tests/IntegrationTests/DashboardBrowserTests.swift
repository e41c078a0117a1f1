import Foundation
import XCTest

/// The operator's page on the admin listener, end to end: over the wire (headers, sign-in
/// cookie, `/status.json` following traffic) and in a real headless Chromium
/// (`scripts/dashboard-browser-check.py`): sign in with the token, watch the request counter
/// rise, find a user's sessions, revoke one — its cookie then gets 401 on the proxy — with no
/// console error and no CSP violation, and a screenshot saved as a test artifact.
final class DashboardBrowserTests: SessionTestCase {
  static let adminToken = "dashboard-test-token-\(UUID().uuidString)"

  private func startDashboardGatehouse() throws -> GatehouseProcess {
    let toml = sessionConfig().replacingOccurrences(
      of: "listen = \"127.0.0.1:{ADMIN_PORT}\"",
      with: "listen = \"127.0.0.1:{ADMIN_PORT}\"\ntoken = \"\(Self.adminToken)\"")
    return try startGatehouse(toml: toml)
  }

  private func adminRequest(
    _ gatehouse: GatehouseProcess, _ method: String, _ target: String, headers: [(String, String)] = []
  ) throws -> HTTPResponse {
    let client = try RawClient(port: gatehouse.adminPort)
    defer { client.close() }
    try client.sendRequest(method, target, host: "127.0.0.1:\(gatehouse.adminPort)", headers: headers)
    return try client.readResponse(requestMethod: method)
  }

  private func statusRequests(_ gatehouse: GatehouseProcess, cookie: String) throws -> Double {
    let response = try adminRequest(gatehouse, "GET", "/status.json", headers: [("Cookie", cookie)])
    XCTAssertEqual(response.status, 200, "\(response)")
    let root = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
    let routes = try XCTUnwrap((root["traffic"] as? [String: Any])?["routes"] as? [[String: Any]])
    return routes.reduce(0) { $0 + (($1["requests"] as? NSNumber)?.doubleValue ?? 0) }
  }

  func testPageSignInAndStatusOverTheWire() throws {
    let gatehouse = try startDashboardGatehouse()
    let page = try adminRequest(gatehouse, "GET", "/")
    XCTAssertEqual(page.status, 200)
    XCTAssertEqual(page.headers.value("Content-Type"), "text/html; charset=utf-8")
    let policy = try XCTUnwrap(page.headers.value("Content-Security-Policy"))
    XCTAssertTrue(policy.hasPrefix("default-src 'none'; script-src 'sha256-"), policy)
    XCTAssertLessThan(page.body.count, 40 * 1024)

    XCTAssertEqual(try adminRequest(gatehouse, "GET", "/status.json").status, 401)
    let signIn = try adminRequest(
      gatehouse, "POST", "/dashboard/access", headers: [("Authorization", "Bearer \(Self.adminToken)")])
    XCTAssertEqual(signIn.status, 200, "\(signIn)")
    let setCookie = try XCTUnwrap(signIn.headers.value("Set-Cookie"))
    let cookie = String(setCookie.prefix { $0 != ";" })
    let before = try statusRequests(gatehouse, cookie: cookie)
    for _ in 0..<25 { XCTAssertEqual(try send(gatehouse, "GET", "/__probe").response.status, 200) }
    // The sampler reads the counters once a second: poll, never sleep a fixed time.
    var after = before
    XCTAssertTrue(
      waitUntil(timeout: 10, interval: 0.2) {
        after = (try? self.statusRequests(gatehouse, cookie: cookie)) ?? before
        return after >= before + 25
      }, "status.json shows \(after) requests, \(before) before 25 more")
    XCTAssertTrue(gatehouse.stdoutText.contains("\"kind\":\"admin_sign_in\""), gatehouse.stdoutText)
    XCTAssertFalse(gatehouse.stdoutText.contains(Self.adminToken), "the token in the log")
  }

  func testOperatorRevokesASessionInARealBrowser() throws {
    let gatehouse = try startDashboardGatehouse()
    let ua = [("User-Agent", "Browser/1.0")]
    let (first, _, _) = try login(gatehouse, "alice", headers: ua)
    let (second, _, _) = try login(gatehouse, "alice", headers: ua)
    let (bob, _, _) = try login(gatehouse, "bob", headers: ua)
    let hashes = [
      try identity(gatehouse, first, headers: ua).hash, try identity(gatehouse, second, headers: ua).hash,
    ]

    try FileManager.default.createDirectory(
      at: DashboardBrowser.artifactsDirectory, withIntermediateDirectories: true)
    let screenshot = DashboardBrowser.artifactsDirectory.appendingPathComponent("dashboard.png")
    try? FileManager.default.removeItem(at: screenshot)
    let report = try DashboardBrowser.check(
      adminPort: gatehouse.adminPort, token: Self.adminToken,
      trafficURL: "http://127.0.0.1:\(gatehouse.port)/__probe", user: "alice", screenshot: screenshot)

    XCTAssertGreaterThanOrEqual(
      report.requests_after, report.requests_before + 40, "the counter followed traffic")
    XCTAssertTrue(hashes.contains(report.revoked), "revoked \(report.revoked), alice has \(hashes)")
    XCTAssertEqual(report.kept, hashes.filter { $0 != report.revoked })
    let (revokedTicket, keptTicket) = report.revoked == hashes[0] ? (first, second) : (second, first)
    XCTAssertFalse(try isAlive(gatehouse, revokedTicket, headers: ua, "the revoked session"))
    XCTAssertTrue(try isAlive(gatehouse, keptTicket, headers: ua, "alice's other session"))
    XCTAssertTrue(try isAlive(gatehouse, bob, headers: ua, "bob's session"))

    let png = try Data(contentsOf: screenshot)
    XCTAssertEqual(Array(png.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "a PNG")
    XCTAssertGreaterThan(png.count, 10_000)

    // The revocation is a security event naming the operator's token id, never the token.
    let tokenID = sha256Prefix(Self.adminToken)
    let revocation = gatehouse.stdoutText.split(separator: "\n").first {
      $0.contains("\"kind\":\"admin_sessions_revoked\"")
    }
    let line = try XCTUnwrap(revocation.map(String.init), gatehouse.stdoutText)
    XCTAssertTrue(line.contains("\"operator_token\":\"\(tokenID)\""), line)
    XCTAssertTrue(line.contains("\"via\":\"dashboard\""), line)
    XCTAssertTrue(line.contains("\"session\":\"\(report.revoked)\""), line)
    XCTAssertFalse(line.contains("alice"), "the user's hash, not the id: \(line)")
    XCTAssertFalse(gatehouse.stdoutText.contains(Self.adminToken), "the token in the log")
  }

  /// The first 12 hex digits of SHA-256(text), computed with `sha256sum` (independent of the code).
  private func sha256Prefix(_ text: String) -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
    let input = Pipe()
    let output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    try? process.run()
    input.fileHandleForWriting.write(Data(text.utf8))
    try? input.fileHandleForWriting.close()
    process.waitUntilExit()
    let digest = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    return String(digest.prefix(12))
  }
}
