import Sessions
import XCTest

@testable import Config

/// `[session] vault_cookies`, `bind_fingerprint`, `fingerprint_min_similarity` and `[session.detect]`.
final class VaultConfigTests: XCTestCase {
  private let session = "[session]\nkeys = [\"\(String(repeating: "a", count: 32))\"]\n"

  private func load(_ text: String) -> Result<GatehouseConfig, ConfigErrors> {
    ConfigLoader.parse(
      text, file: "proxy.conf", baseDirectory: "/nonexistent",
      sources: testSources(environment: [:], files: [:]))
  }

  private func settings(_ text: String, file: StaticString = #filePath, line: UInt = #line)
    -> SessionSettings?
  {
    switch load(session + text) {
    case .success(let config): return config.session
    case .failure(let errors):
      XCTFail("unexpected issues:\n\(errors)", file: file, line: line)
      return nil
    }
  }

  private func issues(_ text: String) -> [String] {
    switch load(session + text) {
    case .success: return []
    case .failure(let errors): return errors.issues.map { "\($0.line) \($0.key): \($0.message)" }
    }
  }

  func testDefaultsAreOff() throws {
    let s = try XCTUnwrap(settings(""))
    XCTAssertEqual(s.vaultCookies, [])
    XCTAssertNil(s.detect)
    XCTAssertEqual(s.policy.bindFingerprint, [])
    XCTAssertEqual(s.policy.fingerprintMinSimilarity, 0.7)
  }

  func testEveryKeyIsRead() throws {
    let s = try XCTUnwrap(
      settings(
        """
        vault_cookies = ["JSESSIONID", "legacy_sid"]
        bind_fingerprint = ["User-Agent", "accept-language"]
        fingerprint_min_similarity = 0.5

        [session.detect]
        login_method = "post"
        login_path = "/signin"
        success_status = [200, 302]
        success_cookie = "JSESSIONID"
        success_location = "/home"
        user_field = "user.name"
        user_header = "X-Logged-In-User"
        logout_path = "/signout"
        max_form_bytes = "4KiB"
        """))
    XCTAssertEqual(s.vaultCookies, ["JSESSIONID", "legacy_sid"])
    XCTAssertEqual(s.policy.bindFingerprint, ["user-agent", "accept-language"])
    XCTAssertEqual(s.policy.fingerprintMinSimilarity, 0.5)
    var expected = LoginDetection()
    expected.loginMethod = "POST"
    expected.loginPath = "/signin"
    expected.successStatus = [200, 302]
    expected.successCookie = "JSESSIONID"
    expected.successLocation = "/home"
    expected.userField = "user.name"
    expected.userHeader = "X-Logged-In-User"
    expected.logoutPath = "/signout"
    expected.maxFormBytes = 4096
    XCTAssertEqual(s.detect, expected)
  }

  func testInvalidValues() {
    let cases: [(name: String, toml: String, expected: [String])] = [
      (
        "vault name", "vault_cookies = [\"a b\"]",
        ["3 session.vault_cookies[0]: \"a b\" is not a valid cookie name"]
      ),
      (
        "vault owns session cookie", "vault_cookies = [\"__Host-gatehouse\"]",
        ["3 session.vault_cookies: \"__Host-gatehouse\" is a cookie Gatehouse owns"]
      ),
      ("vault twice", "vault_cookies = [\"a\", \"A\"]", ["3 session.vault_cookies: \"A\" is listed twice"]),
      (
        "fingerprint header", "bind_fingerprint = [\"user agent\"]",
        ["3 session.bind_fingerprint[0]: \"user agent\" is not a valid header name"]
      ),
      (
        "similarity range", "fingerprint_min_similarity = 1.5",
        ["3 session.fingerprint_min_similarity: 1.5 is out of range (0 to 1)"]
      ),
      (
        "unknown detect key", "[session.detect]\nlogin_paht = \"/x\"",
        [
          "4 session.detect.login_paht: unknown key `login_paht` in [session.detect]; did you mean `login_path`?"
        ]
      ),
      (
        "detect status", "[session.detect]\nsuccess_status = [99]",
        ["4 session.detect.success_status[0]: expected an HTTP status from 100 to 599"]
      ),
      (
        "detect without success rule", "[session.detect]\nsuccess_status = []",
        [
          "4 session.detect.success_status: a login needs a success rule: success_status, success_cookie or success_location"
        ]
      ),
      (
        "detect path with query", "[session.detect]\nlogin_path = \"/login?x=1\"",
        [
          "4 session.detect.login_path: \"/login?x=1\" contains `?`; routes match the path only, without query or fragment"
        ]
      ),
      (
        "detect logout equals login", "[session.detect]\nlogout_path = \"/login\"",
        ["4 session.detect.logout_path: must differ from login_path"]
      ),
      (
        "detect user field", "[session.detect]\nuser_field = \"a&b\"",
        [
          "4 session.detect.user_field: \"a&b\" is not a valid form field name (letters, digits, `-`, `_`, `.`)"
        ]
      ),
      (
        "detect not a table", "detect = 1",
        ["3 session.detect: expected a table [session.detect], found integer"]
      ),
    ]
    for c in cases {
      XCTAssertEqual(issues(c.toml), c.expected, c.name)
    }
  }
}
