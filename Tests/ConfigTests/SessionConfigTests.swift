import Net
import Sessions
import XCTest

@testable import Config

private let key32 = String(repeating: "a", count: 32)
private let key48 = String(repeating: "b", count: 48)
/// A `[session]` header with a valid key, for cases that vary one other key.
private let session = "[session]\nkeys = [\"\(key32)\"]\n"

private func load(
  _ text: String, environment: [String: String] = [:], baseDirectory: String = "/nonexistent",
  files: [String: String] = [:]
) -> Result<GatehouseConfig, ConfigErrors> {
  ConfigLoader.parse(
    text, file: "proxy.conf", baseDirectory: baseDirectory,
    sources: testSources(environment: environment, files: files))
}

final class SessionConfigTests: XCTestCase {
  private func config(_ text: String, _ name: String, environment: [String: String] = [:]) -> GatehouseConfig?
  {
    switch load(text, environment: environment) {
    case .success(let config): return config
    case .failure(let errors):
      XCTFail("\(name): unexpected issues:\n\(errors)")
      return nil
    }
  }

  private func issues(_ text: String, environment: [String: String] = [:]) -> [String] {
    switch load(text, environment: environment) {
    case .success: return []
    case .failure(let errors): return errors.issues.map { "\($0.line) \($0.key): \($0.message)" }
    }
  }

  // MARK: - Defaults and every key

  func testNoSessionTableGivesNil() throws {
    XCTAssertNil(try XCTUnwrap(config("", "empty")).session)
    XCTAssertNil(try XCTUnwrap(config("[[route]]\npath = \"/\"\nauth = \"public\"", "public only")).session)
  }

  /// The names the app may never set (docs/security.md, "Cookies Gatehouse owns").
  func testOwnedCookieNames() throws {
    let cases: [(name: String, text: String, owned: [String])] = [
      ("no sessions", "", []),
      ("default session cookie", session, ["__Host-gatehouse"]),
      (
        "renamed, with a CSRF cookie",
        session + "cookie_name = \"sid\"\ncsrf_cookie = \"csrf\"\nsecure_cookie = false\n", ["sid", "csrf"]
      ),
    ]
    for c in cases {
      XCTAssertEqual(try XCTUnwrap(config(c.text, c.name)).ownedCookieNames, c.owned, c.name)
    }
  }

  func testDefaults() throws {
    let c = try XCTUnwrap(config(session, "defaults")).session
    let s = try XCTUnwrap(c)
    XCTAssertEqual(s, SessionSettings(keys: [Secret(key32)]))
    XCTAssertEqual(s.store, .memory)
    XCTAssertNil(s.userTagKey)
    XCTAssertEqual(s.cookieName, "__Host-gatehouse")
    XCTAssertEqual(s.cookiePath, "/")
    XCTAssertEqual(s.cookieDomain, "")
    XCTAssertTrue(s.secureCookie)
    XCTAssertTrue(s.httpOnly)
    XCTAssertEqual(s.sameSite, .lax)
    XCTAssertEqual(s.policy.idleTimeout, 30 * 60 * 1_000_000_000)
    XCTAssertEqual(s.policy.absoluteTimeout, 24 * 3600 * 1_000_000_000)
    XCTAssertEqual(s.policy.rotationInterval, 5 * 60 * 1_000_000_000)
    XCTAssertEqual(s.policy.rotationGrace, 10 * 1_000_000_000)
    XCTAssertEqual(s.policy.touchInterval, 60 * 1_000_000_000)
    XCTAssertEqual(s.policy.maxPerUser, 3)
    XCTAssertEqual(s.policy.onLimit, .evictOldest)
    XCTAssertTrue(s.policy.bindIP)
    XCTAssertEqual(s.policy.ipv4Prefix, 24)
    XCTAssertEqual(s.policy.ipv6Prefix, 64)
    XCTAssertTrue(s.policy.bindUserAgent)
    XCTAssertTrue(s.policy.csrf)
    XCTAssertEqual(s.csrfHeader, "X-CSRF-Token")
    XCTAssertEqual(s.csrfFormField, "csrf_token")
    XCTAssertEqual(s.csrfMaxFormBytes, 16384)
    XCTAssertEqual(s.csrfCookie, "")
    XCTAssertEqual(s.loginURL, "/login")
    XCTAssertFalse(s.forwardCookie)
    XCTAssertEqual(s.loginHeader, "Gatehouse-Login")
    XCTAssertEqual(s.attributesHeader, "Gatehouse-Session-Attributes")
    XCTAssertEqual(s.logoutHeader, "Gatehouse-Logout")
    XCTAssertEqual(s.elevateHeader, "Gatehouse-Elevate")
    XCTAssertEqual(s.attributeHeaders, [:])
    XCTAssertEqual(s.cacheTTL, .seconds(60))
    XCTAssertEqual(s.cacheMaxEntries, 100_000)
  }

  func testEveryKeyIsRead() throws {
    let text = """
      [session]
      store = "memory"
      keys = ["env:SESSION_KEY_NEW", "\(key32)"]
      user_tag_key = "env:TAG_KEY"
      cookie_name = "__Secure-app"
      cookie_path = "/app"
      cookie_domain = ".example.com"
      secure_cookie = true
      http_only = false
      same_site = "strict"
      idle_timeout = "15m"
      absolute_timeout = "8h"
      rotation_interval = "2m"
      rotation_grace = "5s"
      touch_interval = "30s"
      max_per_user = 0
      on_limit = "reject_new"
      bind_ip = false
      bind_ipv4_prefix = 16
      bind_ipv6_prefix = 48
      bind_user_agent = false
      csrf = false
      csrf_header = "X-XSRF"
      csrf_form_field = "_token"
      csrf_max_form_bytes = "64KiB"
      csrf_cookie = "XSRF-TOKEN"
      login_url = "/auth/login?from=gatehouse"
      forward_cookie = true
      login_header = "X-Login"
      attributes_header = "X-Login-Attrs"
      logout_header = "X-Logout"
      elevate_header = "X-Elevate"
      attribute_headers = { role = "X-User-Role", tenant = "X-Tenant" }
      [session.cache]
      ttl = "5s"
      max_entries = 10
      """
    let c = try XCTUnwrap(
      config(text, "every key", environment: ["SESSION_KEY_NEW": key48, "TAG_KEY": key48 + "tag"]))
    let s = try XCTUnwrap(c.session)
    XCTAssertEqual(s.keys, [Secret(key48), Secret(key32)])
    XCTAssertEqual(s.userTagKey, Secret(key48 + "tag"))
    XCTAssertEqual(s.cookieName, "__Secure-app")
    XCTAssertEqual(s.cookiePath, "/app")
    XCTAssertEqual(s.cookieDomain, ".example.com")
    XCTAssertTrue(s.secureCookie)
    XCTAssertFalse(s.httpOnly)
    XCTAssertEqual(s.sameSite, .strict)
    var policy = SessionPolicy()
    policy.idleTimeout = 15 * 60 * 1_000_000_000
    policy.absoluteTimeout = 8 * 3600 * 1_000_000_000
    policy.rotationInterval = 2 * 60 * 1_000_000_000
    policy.rotationGrace = 5 * 1_000_000_000
    policy.touchInterval = 30 * 1_000_000_000
    policy.maxPerUser = 0
    policy.onLimit = .rejectNew
    policy.bindIP = false
    policy.ipv4Prefix = 16
    policy.ipv6Prefix = 48
    policy.bindUserAgent = false
    policy.csrf = false
    XCTAssertEqual(s.policy, policy)
    XCTAssertEqual(s.csrfHeader, "X-XSRF")
    XCTAssertEqual(s.csrfFormField, "_token")
    XCTAssertEqual(s.csrfMaxFormBytes, 65536)
    XCTAssertEqual(s.csrfCookie, "XSRF-TOKEN")
    XCTAssertEqual(s.loginURL, "/auth/login?from=gatehouse")
    XCTAssertTrue(s.forwardCookie)
    XCTAssertEqual(s.loginHeader, "X-Login")
    XCTAssertEqual(s.attributesHeader, "X-Login-Attrs")
    XCTAssertEqual(s.logoutHeader, "X-Logout")
    XCTAssertEqual(s.elevateHeader, "X-Elevate")
    XCTAssertEqual(s.attributeHeaders, ["role": "X-User-Role", "tenant": "X-Tenant"])
    XCTAssertEqual(s.cacheTTL, .seconds(5))
    XCTAssertEqual(s.cacheMaxEntries, 10)
  }

  func testAcceptedValues() throws {
    let cases: [(name: String, toml: String, check: (SessionSettings) -> Bool)] = [
      ("same_site None with secure", "same_site = \"NONE\"", { $0.sameSite == .none }),
      ("same_site mixed case", "same_site = \"lAx\"", { $0.sameSite == .lax }),
      (
        "plain name without secure", "cookie_name = \"gh_session\"\nsecure_cookie = false",
        { !$0.secureCookie }
      ),
      (
        "every timeout off but absolute", "idle_timeout = \"0s\"\ntouch_interval = \"0s\"",
        { $0.policy.idleTimeout == 0 }
      ),
      ("absolute off", "absolute_timeout = \"0s\"", { $0.policy.absoluteTimeout == 0 }),
      (
        "rotation off ignores grace", "rotation_interval = \"0s\"\nrotation_grace = \"1h\"",
        { $0.policy.rotationGrace == 3_600_000_000_000 }
      ),
      (
        "absolute equal to idle", "idle_timeout = \"1h\"\nabsolute_timeout = \"1h\"",
        { $0.policy.absoluteTimeout == $0.policy.idleTimeout }
      ),
      (
        "prefixes at the bounds", "bind_ipv4_prefix = 0\nbind_ipv6_prefix = 128",
        { $0.policy.ipv4Prefix == 0 && $0.policy.ipv6Prefix == 128 }
      ),
      ("csrf form bytes zero", "csrf_max_form_bytes = 0", { $0.csrfMaxFormBytes == 0 }),
      ("csrf form bytes 1MiB", "csrf_max_form_bytes = \"1MiB\"", { $0.csrfMaxFormBytes == 1 << 20 }),
      ("empty user tag key", "user_tag_key = \"\"", { $0.userTagKey == nil }),
      (
        "attribute headers as a sub-table", "[session.attribute_headers]\nrole = \"X-Role\"",
        { $0.attributeHeaders == ["role": "X-Role"] }
      ),
      (
        "cache bounds", "[session.cache]\nttl = \"1h\"\nmax_entries = 10000000",
        { $0.cacheMaxEntries == 10_000_000 && $0.cacheTTL == .seconds(3600) }
      ),
      ("cache min entries", "[session.cache]\nmax_entries = 1", { $0.cacheMaxEntries == 1 }),
      ("verified tickets default", "", { $0.verifiedTickets == 4096 }),
      ("verified tickets", "[session.cache]\nverified_tickets = 16384", { $0.verifiedTickets == 16384 }),
    ]
    for c in cases {
      guard let s = config(session + c.toml, c.name)?.session else { continue }
      XCTAssertTrue(c.check(s), c.name)
    }
  }

  // MARK: - Problems

  /// Each case is the valid `[session]` header (lines 1-2) plus its own lines.
  func testInvalidValues() {
    let cases: [(name: String, toml: String, expected: [String])] = [
      (
        "store redis without [redis]", "store = \"redis\"",
        [
          "3 session.store: store = \"redis\" needs a [redis] table (at least address = \"host:port\", sentinels + master_name, or cluster)"
        ]
      ),
      (
        "store unknown", "store = \"disk\"",
        ["3 session.store: unknown store \"disk\"; use \"memory\" or \"redis\""]
      ),
      (
        "user tag key short", "user_tag_key = \"short\"",
        [
          "3 session.user_tag_key: user tag key has 5 bytes, at least 32 needed (e.g. `openssl rand -base64 48`)"
        ]
      ),
      (
        "cookie name not a token", "cookie_name = \"my session\"",
        ["3 session.cookie_name: \"my session\" is not a valid cookie name"]
      ),
      ("cookie name empty", "cookie_name = \"\"", ["3 session.cookie_name: \"\" is not a valid cookie name"]),
      (
        "cookie name with =", "cookie_name = \"a=b\"",
        ["3 session.cookie_name: \"a=b\" is not a valid cookie name"]
      ),
      (
        "cookie path relative", "cookie_name = \"s\"\ncookie_path = \"app\"",
        ["4 session.cookie_path: \"app\" must start with \"/\""]
      ),
      (
        "cookie path with ;", "cookie_name = \"s\"\ncookie_path = \"/a;b\"",
        ["4 session.cookie_path: \"/a;b\" contains `;`, which ends a cookie attribute"]
      ),
      (
        "cookie domain invalid", "cookie_name = \"s\"\ncookie_domain = \"exa mple.com\"",
        ["4 session.cookie_domain: \"exa mple.com\" is not a valid domain name"]
      ),
      (
        "cookie domain empty label", "cookie_name = \"s\"\ncookie_domain = \"a..b\"",
        ["4 session.cookie_domain: \"a..b\" is not a valid domain name"]
      ),
      (
        "secure not bool", "secure_cookie = \"yes\"",
        ["3 session.secure_cookie: expected true or false, found string"]
      ),
      (
        "same_site unknown", "same_site = \"loose\"",
        ["3 session.same_site: unknown SameSite \"loose\"; use \"Lax\", \"Strict\" or \"None\""]
      ),
      (
        "idle invalid", "idle_timeout = \"30 minutes\"",
        ["3 session.idle_timeout: invalid duration \"30 minutes\" (use a number with ms, s, m or h)"]
      ),
      (
        "idle too long", "idle_timeout = \"9000h\"\nabsolute_timeout = \"0s\"",
        ["3 session.idle_timeout: duration \"9000h\" is out of range (0s to 8784h)"]
      ),
      (
        "rotation too long", "rotation_interval = \"25h\"",
        ["3 session.rotation_interval: duration \"25h\" is out of range (0s to 24h)"]
      ),
      (
        "grace too long", "rotation_interval = \"3h\"\nrotation_grace = \"2h\"",
        ["4 session.rotation_grace: duration \"2h\" is out of range (0s to 1h)"]
      ),
      (
        "max per user negative", "max_per_user = -1",
        ["3 session.max_per_user: -1 is out of range (0...10000)"]
      ),
      (
        "on_limit unknown", "on_limit = \"evict\"",
        ["3 session.on_limit: unknown action \"evict\"; use \"evict_oldest\" or \"reject_new\""]
      ),
      (
        "ipv4 prefix too long", "bind_ipv4_prefix = 33",
        ["3 session.bind_ipv4_prefix: 33 is out of range (0...32)"]
      ),
      (
        "ipv6 prefix too long", "bind_ipv6_prefix = 129",
        ["3 session.bind_ipv6_prefix: 129 is out of range (0...128)"]
      ),
      (
        "csrf header invalid", "csrf_header = \"X CSRF\"",
        ["3 session.csrf_header: \"X CSRF\" is not a valid header name"]
      ),
      (
        "csrf form field invalid", "csrf_form_field = \"a&b\"",
        ["3 session.csrf_form_field: \"a&b\" is not a valid form field name (letters, digits, `-`, `_`, `.`)"]
      ),
      (
        "csrf form bytes too big", "csrf_max_form_bytes = \"2MiB\"",
        ["3 session.csrf_max_form_bytes: size 2097152 is out of range (0 to 1MiB)"]
      ),
      (
        "csrf cookie invalid", "csrf_cookie = \"x y\"",
        ["3 session.csrf_cookie: \"x y\" is not a valid cookie name"]
      ),
      (
        "csrf cookie equals session cookie", "csrf_cookie = \"__Host-gatehouse\"",
        ["3 session.csrf_cookie: must differ from cookie_name \"__Host-gatehouse\""]
      ),
      (
        "login url relative", "login_url = \"login\"",
        ["3 session.login_url: \"login\" must be a local path starting with \"/\" (not \"//\" or a full URL)"]
      ),
      (
        "login url protocol-relative", "login_url = \"//evil.example/login\"",
        [
          "3 session.login_url: \"//evil.example/login\" must be a local path starting with \"/\" (not \"//\" or a full URL)"
        ]
      ),
      (
        "login url backslash", "login_url = \"/\\\\evil.example\"",
        [
          "3 session.login_url: \"/\\\\evil.example\" must be a local path starting with \"/\" (not \"//\" or a full URL)"
        ]
      ),
      (
        "login url absolute", "login_url = \"https://idp.example/login\"",
        [
          "3 session.login_url: \"https://idp.example/login\" must be a local path starting with \"/\" (not \"//\" or a full URL)"
        ]
      ),
      (
        "login url space", "login_url = \"/log in\"",
        [
          "3 session.login_url: \"/log in\" contains a space, `\\`, `#` or a non-ASCII character; percent-encode it"
        ]
      ),
      (
        "forward cookie not bool", "forward_cookie = 1",
        ["3 session.forward_cookie: expected true or false, found integer"]
      ),
      (
        "login header invalid", "login_header = \"\"",
        ["3 session.login_header: \"\" is not a valid header name"]
      ),
      (
        "attributes header invalid", "attributes_header = \"A:B\"",
        ["3 session.attributes_header: \"A:B\" is not a valid header name"]
      ),
      (
        "logout header invalid", "logout_header = \"X Logout\"",
        ["3 session.logout_header: \"X Logout\" is not a valid header name"]
      ),
      (
        "elevate header invalid", "elevate_header = \"X(E)\"",
        ["3 session.elevate_header: \"X(E)\" is not a valid header name"]
      ),
      (
        "lifecycle headers collide", "logout_header = \"gatehouse-login\"",
        ["3 session.logout_header: \"gatehouse-login\" is already used by login_header"]
      ),
      (
        "attribute headers not a table", "attribute_headers = [\"X-Role\"]",
        ["3 session.attribute_headers: expected a table of attribute = \"Header-Name\", found array"]
      ),
      (
        "attribute header invalid", "attribute_headers = { role = \"X Role\" }",
        ["3 session.attribute_headers.role: \"X Role\" is not a valid header name"]
      ),
      (
        "attribute header not a string", "attribute_headers = { role = 1 }",
        ["3 session.attribute_headers.role: expected a header name string, found integer"]
      ),
      (
        "attribute name invalid", "attribute_headers = { \"a b\" = \"X-A\" }",
        ["3 session.attribute_headers.a b: \"a b\" is not a valid attribute name"]
      ),
      (
        "attribute header twice", "attribute_headers = { a = \"X-A\", b = \"x-a\" }",
        ["3 session.attribute_headers.b: header \"x-a\" is already used for attribute a"]
      ),
      (
        "unknown key", "idle_timout = \"1m\"",
        ["3 session.idle_timout: unknown key `idle_timout` in [session]; did you mean `idle_timeout`?"]
      ),
      (
        "cache not a table", "cache = 5", ["3 session.cache: expected a table [session.cache], found integer"]
      ),
      (
        "cache unknown key", "[session.cache]\nsize = 5",
        [
          "4 session.cache.size: unknown key `size` in [session.cache]; known keys: ttl, max_entries, enabled, verified_tickets"
        ]
      ),
      (
        "cache ttl too long", "[session.cache]\nttl = \"2h\"",
        ["4 session.cache.ttl: duration \"2h\" is out of range (1ms to 1h)"]
      ),
      (
        "cache ttl zero", "[session.cache]\nttl = \"0s\"",
        ["4 session.cache.ttl: duration \"0s\" is out of range (1ms to 1h)"]
      ),
      (
        "cache entries zero", "[session.cache]\nmax_entries = 0",
        ["4 session.cache.max_entries: 0 is out of range (1...10000000)"]
      ),
      (
        "cache entries too many", "[session.cache]\nmax_entries = 10000001",
        ["4 session.cache.max_entries: 10000001 is out of range (1...10000000)"]
      ),
      (
        "verified tickets one", "[session.cache]\nverified_tickets = 1",
        ["4 session.cache.verified_tickets: 1 is out of range (2...1048576)"]
      ),
      (
        "verified tickets too many", "[session.cache]\nverified_tickets = 1048577",
        ["4 session.cache.verified_tickets: 1048577 is out of range (2...1048576)"]
      ),
    ]
    for c in cases {
      XCTAssertEqual(issues(session + c.toml), c.expected, c.name)
    }
  }

  func testKeys() throws {
    let directory = "/etc/gatehouse"
    let files = ["\(directory)/key": key48 + "\n", "\(directory)/short": "short\n"]

    let cases:
      [(name: String, toml: String, environment: [String: String], keys: [String]?, expected: [String])] = [
        ("literal", "keys = [\"\(key32)\"]", [:], [key32], []),
        ("env", "keys = [\"env:K\"]", ["K": key48], [key48], []),
        ("file relative to the config", "keys = [\"file:key\"]", [:], [key48], []),
        ("two keys in order", "keys = [\"env:K\", \"\(key32)\"]", ["K": key48], [key48, key32], []),
        (
          "missing", "store = \"memory\"", [:], nil,
          [
            "1 session.keys: missing; [session] needs at least one signing key (e.g. keys = [\"env:GATEHOUSE_SESSION_KEY\"])"
          ]
        ),
        (
          "empty array", "keys = []", [:], nil,
          ["2 session.keys: needs at least one signing key; the first signs, all verify"]
        ),
        (
          "not an array", "keys = \"\(key32)\"", [:], nil,
          ["2 session.keys: expected an array of strings, found string"]
        ),
        (
          "element not a string", "keys = [1]", [:], nil,
          ["2 session.keys[0]: expected a string, found integer"]
        ),
        (
          "literal too short", "keys = [\"\(key32)\", \"0123456789\"]", [:], nil,
          ["2 session.keys[1]: session key has 10 bytes, at least 32 needed (e.g. `openssl rand -base64 48`)"]
        ),
        (
          "31 bytes", "keys = [\"\(String(key32.dropLast()))\"]", [:], nil,
          ["2 session.keys[0]: session key has 31 bytes, at least 32 needed (e.g. `openssl rand -base64 48`)"]
        ),
        (
          "env unset", "keys = [\"env:K\"]", [:], nil,
          ["2 session.keys[0]: environment variable K is not set"]
        ),
        (
          "env short", "keys = [\"env:K\"]", ["K": "abc"], nil,
          ["2 session.keys[0]: session key has 3 bytes, at least 32 needed (e.g. `openssl rand -base64 48`)"]
        ),
        (
          "file short", "keys = [\"file:short\"]", [:], nil,
          ["2 session.keys[0]: session key has 5 bytes, at least 32 needed (e.g. `openssl rand -base64 48`)"]
        ),
        (
          "file missing", "keys = [\"file:nope\"]", [:], nil,
          ["2 session.keys[0]: cannot read secret file \(directory)/nope: No such file or directory"]
        ),
      ]
    for c in cases {
      let result = load(
        "[session]\n" + c.toml, environment: c.environment, baseDirectory: directory, files: files)
      switch result {
      case .success(let config):
        XCTAssertEqual(c.expected, [], "\(c.name): loaded")
        XCTAssertEqual(config.session?.keys.map(\.revealed), c.keys, c.name)
      case .failure(let errors):
        XCTAssertEqual(errors.issues.map { "\($0.line) \($0.key): \($0.message)" }, c.expected, c.name)
        XCTAssertNil(c.keys, "\(c.name): failed")
      }
    }
  }

  func testRulesAcrossKeys() {
    let cases: [(name: String, toml: String, expected: [String])] = [
      (
        "__Host- without secure", "secure_cookie = false",
        ["1 session.cookie_name: a __Host- cookie name requires secure_cookie = true"]
      ),
      (
        "__Host- with explicit name and path", "cookie_name = \"__Host-x\"\ncookie_path = \"/app\"",
        ["3 session.cookie_name: a __Host- cookie name requires cookie_path = \"/\""]
      ),
      (
        "__Host- with domain", "cookie_domain = \"example.com\"",
        ["1 session.cookie_name: a __Host- cookie name requires an empty cookie_domain"]
      ),
      (
        "__Host- with everything wrong",
        "cookie_name = \"__Host-x\"\nsecure_cookie = false\ncookie_path = \"/a\"\ncookie_domain = \"example.com\"",
        [
          "3 session.cookie_name: a __Host- cookie name requires secure_cookie = true",
          "3 session.cookie_name: a __Host- cookie name requires cookie_path = \"/\"",
          "3 session.cookie_name: a __Host- cookie name requires an empty cookie_domain",
        ]
      ),
      (
        "__Secure- without secure", "cookie_name = \"__Secure-x\"\nsecure_cookie = false",
        ["3 session.cookie_name: a __Secure- cookie name requires secure_cookie = true"]
      ),
      (
        "__Secure- with domain and path is fine",
        "cookie_name = \"__Secure-x\"\ncookie_path = \"/a\"\ncookie_domain = \"example.com\"", []
      ),
      (
        "csrf cookie __Host- with a path",
        "cookie_name = \"s\"\ncookie_path = \"/a\"\ncsrf_cookie = \"__Host-csrf\"",
        ["5 session.csrf_cookie: a __Host- cookie name requires cookie_path = \"/\""]
      ),
      (
        "csrf cookie __Secure- without secure",
        "cookie_name = \"s\"\nsecure_cookie = false\ncsrf_cookie = \"__Secure-csrf\"",
        ["5 session.csrf_cookie: a __Secure- cookie name requires secure_cookie = true"]
      ),
      (
        "SameSite=None without secure", "cookie_name = \"s\"\nsecure_cookie = false\nsame_site = \"None\"",
        ["5 session.same_site: same_site = \"None\" requires secure_cookie = true"]
      ),
      (
        "grace equal to interval", "rotation_interval = \"10s\"",
        ["1 session.rotation_grace: must be shorter than rotation_interval (10s)"]
      ),
      (
        "grace longer than interval", "rotation_interval = \"2s\"\nrotation_grace = \"3s\"",
        ["4 session.rotation_grace: must be shorter than rotation_interval (2s)"]
      ),
      ("grace just under interval", "rotation_interval = \"2s\"\nrotation_grace = \"1999ms\"", []),
      (
        "touch equal to idle", "idle_timeout = \"1m\"",
        ["1 session.touch_interval: must be shorter than idle_timeout (1m)"]
      ),
      (
        "touch longer than idle", "idle_timeout = \"1m\"\ntouch_interval = \"2m\"",
        ["4 session.touch_interval: must be shorter than idle_timeout (1m)"]
      ),
      ("touch with idle off", "idle_timeout = \"0s\"\ntouch_interval = \"1h\"", []),
      (
        "absolute shorter than idle", "idle_timeout = \"2h\"\nabsolute_timeout = \"1h\"",
        ["4 session.absolute_timeout: must not be shorter than idle_timeout (2h)"]
      ),
      (
        "never expires", "idle_timeout = \"0s\"\nabsolute_timeout = \"0s\"",
        [
          "4 session.absolute_timeout: idle_timeout and absolute_timeout are both off; sessions would never expire"
        ]
      ),
    ]
    for c in cases {
      XCTAssertEqual(issues(session + c.toml), c.expected, c.name)
    }
  }

  // MARK: - Routes

  func testSessionRoutes() throws {
    let text =
      session + """
        [[route]]
        path_prefix = "/app/"
        auth = "session"
        [[route]]
        path_prefix = "/api/"
        auth = "session"
        on_unauthenticated = "deny"
        [[route]]
        path = "/login"
        auth = "public"
        on_unauthenticated = "redirect"
        """
    let c = try XCTUnwrap(config(text, "session routes"))
    XCTAssertEqual(
      c.routes,
      [
        RouteSettings(name: "route1", match: .prefix("/app/"), auth: .session, onUnauthenticated: .auto),
        RouteSettings(name: "route2", match: .prefix("/api/"), auth: .session, onUnauthenticated: .deny),
        RouteSettings(
          name: "route3", match: .exact("/login"), auth: .publicAccess, onUnauthenticated: .redirect),
      ])
  }

  func testSessionTableWithProblemsDoesNotAlsoBlameRoutes() {
    let text = "[session]\nkeys = [\"short\"]\n[[route]]\npath = \"/\"\nauth = \"session\""
    XCTAssertEqual(
      issues(text),
      ["2 session.keys[0]: session key has 5 bytes, at least 32 needed (e.g. `openssl rand -base64 48`)"])
  }

  func testSessionNotATable() {
    XCTAssertEqual(issues("session = 1"), ["1 session: expected a table [session], found integer"])
  }

  // MARK: - Redacted dump

  func testRedactedDescriptionHidesKeysAndReadsBack() throws {
    let secret = String(repeating: "s", count: 40)
    let text = """
      [session]
      keys = ["env:K", "\(key32)"]
      user_tag_key = "\(key48)"
      cookie_name = "gh"
      secure_cookie = false
      same_site = "Strict"
      idle_timeout = "10m"
      rotation_interval = "0s"
      on_limit = "reject_new"
      csrf_cookie = "csrf"
      attribute_headers = { tenant = "X-Tenant", role = "X-Role" }
      [session.cache]
      ttl = "1500ms"
      [[route]]
      path_prefix = "/"
      auth = "session"
      on_unauthenticated = "deny"
      """
    let original = try XCTUnwrap(config(text, "redacted source", environment: ["K": secret]))
    let dumped = original.redactedDescription()
    for revealed in [secret, key32, key48] {
      XCTAssertFalse(dumped.contains(revealed), "a key leaked into:\n\(dumped)")
    }
    XCTAssertTrue(dumped.contains("keys = [\"<redacted>\", \"<redacted>\"]"), dumped)
    XCTAssertTrue(dumped.contains("user_tag_key = \"<redacted>\""), dumped)
    XCTAssertTrue(
      dumped.contains("attribute_headers = { \"role\" = \"X-Role\", \"tenant\" = \"X-Tenant\" }"), dumped)
    XCTAssertTrue(dumped.contains("on_unauthenticated = \"deny\""), dumped)

    // The redacted keys are too short to load; put real ones back and the rest must round-trip.
    let restored = dumped.replacingOccurrences(of: "\"<redacted>\"", with: "\"\(key48)\"")
    let reread = try XCTUnwrap(config(restored, "redacted read back"))
    let session = try XCTUnwrap(reread.session)
    let expected = try XCTUnwrap(original.session)
    XCTAssertEqual(
      SessionSettings(
        store: session.store, keys: expected.keys, userTagKey: expected.userTagKey,
        cookieName: session.cookieName,
        cookiePath: session.cookiePath, cookieDomain: session.cookieDomain,
        secureCookie: session.secureCookie,
        httpOnly: session.httpOnly, sameSite: session.sameSite, policy: session.policy,
        csrfHeader: session.csrfHeader, csrfFormField: session.csrfFormField,
        csrfMaxFormBytes: session.csrfMaxFormBytes, csrfCookie: session.csrfCookie,
        loginURL: session.loginURL,
        forwardCookie: session.forwardCookie, loginHeader: session.loginHeader,
        attributesHeader: session.attributesHeader, logoutHeader: session.logoutHeader,
        elevateHeader: session.elevateHeader, attributeHeaders: session.attributeHeaders,
        cacheTTL: session.cacheTTL, cacheMaxEntries: session.cacheMaxEntries,
        cacheEnabled: session.cacheEnabled),
      expected)
    XCTAssertEqual(reread.routes, original.routes)
    XCTAssertFalse(GatehouseConfig().redactedDescription().contains("[session]"), "no [session] when absent")
  }
}
