import Foundation
import XCTest

/// The JWKS over HTTPS: certificate chain and host name checked by OpenSSL, the test CA trusted
/// only through `ca_file`.
final class JWTHTTPSTests: GatehouseTestCase {
  private var server: TLSFileServer?

  override func tearDown() {
    server?.stop()
    super.tearDown()
  }

  private func start(caFile: Bool) throws -> GatehouseProcess {
    let server = try TLSFileServer(files: ["jwks.json": try JWTFixtures.bytes("jwks_k1.json")])
    self.server = server
    var config = ProxyConfig()
    config.routes = [("/", "jwt")]
    config.extraTOML = """

      [[jwt.issuer]]
      issuer = "https://login.example.com/"
      audiences = ["api.example.com"]
      jwks_uri = "https://localhost:\(server.port)/jwks.json"
      \(caFile ? "ca_file = \"\(JWTFixtures.path("tls/ca.pem"))\"" : "")

      """
    return try startGatehouse(config)
  }

  func testTrustedCAServesKeys() throws {
    let gatehouse = try start(caFile: true)
    let token = try JWTFixtures.token("good")
    let (response, forwarded) = try send(
      gatehouse, "GET", "/tls", headers: [("Authorization", "Bearer \(token)")])
    XCTAssertEqual(response.status, 200, gatehouse.logs)
    XCTAssertEqual(forwarded?.headers.values("X-User-Id"), ["user-123"])
  }

  func testUntrustedCertificateGivesNoKeys() throws {
    let gatehouse = try start(caFile: false)
    XCTAssertTrue(
      waitUntil(timeout: 5) { gatehouse.stdoutText.contains("certificate verify failed") }, gatehouse.logs)
    let token = try JWTFixtures.token("good")
    let (response, forwarded) = try send(
      gatehouse, "GET", "/tls", headers: [("Authorization", "Bearer \(token)")])
    XCTAssertEqual(response.status, 401)
    XCTAssertEqual(
      response.headers.value("WWW-Authenticate"),
      "Bearer error=\"invalid_token\", error_description=\"no_keys\"")
    XCTAssertNil(forwarded)
  }
}
