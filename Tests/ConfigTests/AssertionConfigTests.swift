import Foundation
import XCTest

@testable import Config

private func load(_ text: String, files: [String: String] = [:]) -> Result<GatehouseConfig, ConfigErrors> {
  ConfigLoader.parse(
    text, file: "proxy.conf", baseDirectory: "/etc/gatehouse", sources: testSources(files: files))
}

/// `[assertion]`: defaults, the example block, keys that must load as PEM of the configured
/// algorithm, and every problem with its line and key.
final class AssertionConfigTests: XCTestCase {
  func testExampleBlockLoadsAndDocumentsEveryKey() throws {
    let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
      "../../proxy.conf.example"
    ).standardized.path
    let lines = try String(contentsOfFile: path, encoding: .utf8).split(
      separator: "\n", omittingEmptySubsequences: false
    ).map(String.init)
    let start = try XCTUnwrap(lines.firstIndex(of: "# [assertion]"))
    var block: [String] = []
    for line in lines[start...] {
      guard line.hasPrefix("# ") else { break }
      block.append(String(line.dropFirst(2)))
    }
    for key in ConfigReader.assertionKeys {
      let index = try XCTUnwrap(block.firstIndex { $0.hasPrefix("\(key) = ") }, "example documents \(key)")
      XCTAssertTrue(block[index - 1].hasPrefix("#"), "\(key) has a comment line")
    }
    guard case .success(let config) = load(block.joined(separator: "\n")) else {
      return XCTFail("\(load(block.joined(separator: "\n")))")
    }
    let assertion = try XCTUnwrap(config.assertion)
    let defaults = AssertionSettings(issuer: "https://gatehouse.internal/", claims: [("roles", "role")])
    XCTAssertEqual(assertion, defaults, "the example shows the defaults")
    XCTAssertEqual(
      config.jwt.extraClaims, ["sid", "jti", "role"], "the claims the assertion copies are kept")
  }

  func testKeysLoadFromFilesAndMustMatchTheAlgorithm() throws {
    let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .appendingPathComponent("../IntegrationTests/Fixtures/jwt").standardized
    let rsa = try String(contentsOf: fixtures.appendingPathComponent("k1.pem"), encoding: .utf8)
    let files = ["/etc/gatehouse/rsa.pem": rsa, "/etc/gatehouse/junk.pem": "not a key"]
    let good = "[assertion]\nissuer = \"https://a/\"\nalgorithm = \"RS256\"\nkeys = [\"file:rsa.pem\"]\n"
    guard case .success(let config) = load(good, files: files) else {
      return XCTFail("\(load(good, files: files))")
    }
    XCTAssertEqual(config.assertion?.keys.count, 1)
    XCTAssertFalse(config.redactedDescription().contains("PRIVATE KEY"), "keys never print")

    let cases: [(name: String, text: String, key: String, message: String, line: Int)] = [
      ("no issuer", "[assertion]\nttl = \"5m\"\n", "assertion.issuer", "missing", 1),
      (
        "wrong algorithm", "[assertion]\nissuer = \"https://a/\"\nkeys = [\"file:rsa.pem\"]\n",
        "assertion.keys[0]", "RS256 key but algorithm = \"ES256\"", 3
      ),
      (
        "not a key", "[assertion]\nissuer = \"https://a/\"\nkeys = [\"file:junk.pem\"]\n",
        "assertion.keys[0]",
        "not a usable PEM private key", 3
      ),
      (
        "inline key", "[assertion]\nissuer = \"https://a/\"\nkeys = [\"-----BEGIN\"]\n", "assertion.keys[0]",
        "env:NAME", 3
      ),
      (
        "unknown algorithm", "[assertion]\nissuer = \"https://a/\"\nalgorithm = \"HS256\"\n",
        "assertion.algorithm", "unknown algorithm", 3
      ),
      (
        "ttl too short", "[assertion]\nissuer = \"https://a/\"\nttl = \"1s\"\n", "assertion.ttl",
        "out of range", 3
      ),
      (
        "reserved claim", "[assertion]\nissuer = \"https://a/\"\nclaims = { sub = \"x\" }\n",
        "assertion.claims.sub", "set by Gatehouse", 3
      ),
      (
        "bad header", "[assertion]\nissuer = \"https://a/\"\nheader = \"X Bad\"\n", "assertion.header",
        "not a valid header name", 3
      ),
      (
        "public path with a query", "[assertion]\nissuer = \"https://a/\"\npublic_jwks_path = \"/k?x=1\"\n",
        "assertion.public_jwks_path", "absolute path", 3
      ),
      (
        "relative public path", "[assertion]\nissuer = \"https://a/\"\npublic_jwks_path = \"jwks.json\"\n",
        "assertion.public_jwks_path", "absolute path", 3
      ),
      (
        "unknown key", "[assertion]\nissuer = \"https://a/\"\nkid = \"x\"\n", "assertion.kid", "unknown key",
        3
      ),
    ]
    for c in cases {
      guard case .failure(let errors) = load(c.text, files: files) else {
        XCTFail("\(c.name): accepted")
        continue
      }
      let match = errors.issues.first { $0.key == c.key && $0.message.contains(c.message) }
      XCTAssertNotNil(match, "\(c.name): \(errors.issues)")
      XCTAssertEqual(match?.line, c.line, "\(c.name): line")
    }
  }
}
