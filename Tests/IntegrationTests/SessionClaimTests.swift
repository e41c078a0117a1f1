import Foundation
import XCTest

/// `[[jwt.issuer]] session_claim = "sid"` through the built binary: a token naming a live
/// session (by its session hash, for its own user) passes; the same token is refused right after
/// the admin API revokes that session. Tokens are signed here with the fixture key k1 by the
/// `openssl` CLI.
final class SessionClaimTests: SessionTestCase {
  private var jwks: JWKSServer!
  private var work: URL!

  override func tearDown() {
    jwks?.stop()
    if let work { try? FileManager.default.removeItem(at: work) }
    super.tearDown()
  }

  private func start() throws -> GatehouseProcess {
    work = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-sid-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
    jwks = try JWKSServer(body: try JWTFixtures.bytes("jwks_k1.json"))
    let toml = sessionConfig() + sessionOrJWTSections(jwksURL: "\(jwks.url)")
    return try startGatehouse(
      toml: toml.replacingOccurrences(
        of: "jwks_uri = \"\(jwks.url)\"", with: "jwks_uri = \"\(jwks.url)\"\nsession_claim = \"sid\""))
  }

  func testTokenLivesOnlyWhileItsSessionDoes() throws {
    let gatehouse = try start()
    let ticket = try login(gatehouse, "alice").ticket
    let hash = try sessionHash(ticket)
    XCTAssertEqual(
      try identity(gatehouse, ticket).hash, String(hash.prefix(16)), "X-Session-Hash is its prefix")

    let tied = try sign(["sub": "alice", "sid": hash])
    let cases: [(name: String, token: String, status: Int)] = [
      ("tied to the live session", tied, 200),
      ("another user's session", try sign(["sub": "bob", "sid": hash]), 401),
      ("no such session", try sign(["sub": "alice", "sid": String(repeating: "0", count: 64)]), 401),
      ("not a hash", try sign(["sub": "alice", "sid": "abc"]), 401),
      ("not tied to a session", try sign(["sub": "alice"]), 200),
    ]
    for c in cases {
      let (response, forwarded) = try request(
        gatehouse, "GET", "/both/x", ticket: nil, headers: [("Authorization", "Bearer \(c.token)")])
      XCTAssertEqual(response.status, c.status, "\(c.name): \(response)")
      XCTAssertEqual(forwarded != nil, c.status == 200, c.name)
      if c.status == 401 {
        XCTAssertTrue(
          response.headers.value("WWW-Authenticate")?.contains("session_ended") ?? false,
          "\(c.name): \(response)")
      }
    }

    let revoked = try admin(gatehouse, "DELETE", "/sessions/\(hash.prefix(16))?user=alice")
    XCTAssertEqual(revoked.status, 200, revoked.body)
    let (after, forwarded) = try request(
      gatehouse, "GET", "/both/x", ticket: nil, headers: [("Authorization", "Bearer \(tied)")])
    XCTAssertEqual(after.status, 401, "the token died with its session: \(after)")
    XCTAssertNil(forwarded)
  }

  // MARK: - Helpers

  /// The session hash of a ticket: SHA-256 of the session id (bytes 9..<25 of the decoded cookie
  /// value: version, 8-byte user tag, 16-byte id, …), as 64 hex digits.
  private func sessionHash(_ ticket: String) throws -> String {
    let wire = try XCTUnwrap(Self.base64URLDecode(ticket), "ticket is base64url")
    try Data(wire[9..<25]).write(to: work.appendingPathComponent("id"))
    let digest = try openssl(["dgst", "-sha256", "-binary", "-out", "digest", "id"])
    XCTAssertEqual(digest, 0)
    return try Data(contentsOf: work.appendingPathComponent("digest")).map { String(format: "%02x", $0) }
      .joined()
  }

  /// An RS256 token of the fixture issuer signed with k1, with `claims` added to iss/aud/exp.
  private func sign(_ claims: [String: String]) throws -> String {
    var payload: [String: Any] = [
      "iss": "https://login.example.com/", "aud": "api.example.com",
      "exp": Int(Date().timeIntervalSince1970) + 600,
    ]
    for (name, value) in claims { payload[name] = value }
    let header = try JSONSerialization.data(withJSONObject: ["alg": "RS256", "typ": "JWT", "kid": "k1"])
    let body = try JSONSerialization.data(withJSONObject: payload, options: .sortedKeys)
    let input = Self.base64URL(header) + "." + Self.base64URL(body)
    try Data(input.utf8).write(to: work.appendingPathComponent("input"))
    let status = try openssl(["dgst", "-sha256", "-sign", JWTFixtures.path("k1.pem"), "-out", "sig", "input"])
    XCTAssertEqual(status, 0, "openssl signs")
    return input + "." + Self.base64URL(try Data(contentsOf: work.appendingPathComponent("sig")))
  }

  private func openssl(_ arguments: [String]) throws -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["openssl"] + arguments
    process.currentDirectoryURL = work
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    return process.terminationStatus
  }

  private static func base64URL(_ data: Data) -> String {
    data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(
      of: "/", with: "_"
    )
    .replacingOccurrences(of: "=", with: "")
  }

  private static func base64URLDecode(_ text: String) -> [UInt8]? {
    var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
    while standard.count % 4 != 0 { standard += "=" }
    return Data(base64Encoded: standard).map { [UInt8]($0) }
  }
}
