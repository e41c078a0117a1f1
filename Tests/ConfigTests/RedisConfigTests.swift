import Foundation
import Net
import XCTest

@testable import Config

private let key32 = String(repeating: "a", count: 32)
/// `[session]` on Redis; cases append their `[redis]` lines (the `[redis]` header is line 4).
private let redisSession = "[session]\nkeys = [\"\(key32)\"]\nstore = \"redis\"\n[redis]\n"

private func load(_ text: String, environment: [String: String] = [:]) -> Result<
  GatehouseConfig, ConfigErrors
> {
  ConfigLoader.parse(
    text, file: "proxy.conf", baseDirectory: "/nonexistent",
    sources: testSources(environment: environment, names: ["redis.local": IPAddress("10.1.2.3")!]))
}

private func address(_ text: String) -> SocketAddress { SocketAddress.parse(text)! }

final class RedisConfigTests: XCTestCase {
  private func redis(_ text: String, _ name: String, environment: [String: String] = [:]) -> RedisSettings? {
    switch load(text, environment: environment) {
    case .success(let config):
      XCTAssertEqual(config.session?.store, .redis, name)
      return config.session?.redis
    case .failure(let errors):
      XCTFail("\(name): unexpected issues:\n\(errors)")
      return nil
    }
  }

  private func issues(_ text: String) -> [String] {
    switch load(text) {
    case .success: return []
    case .failure(let errors): return errors.issues.map { "\($0.line) \($0.key): \($0.message)" }
    }
  }

  func testDefaults() throws {
    let r = try XCTUnwrap(redis(redisSession, "empty [redis]"))
    XCTAssertEqual(r, RedisSettings())
    XCTAssertEqual(r.endpoint, .address(address("127.0.0.1:6379")))
    XCTAssertNil(r.password)
    XCTAssertNil(r.username)
    XCTAssertEqual(r.database, 0)
    XCTAssertEqual(r.keyPrefix, "gh:")
    XCTAssertEqual(r.connectTimeout, .milliseconds(200))
    XCTAssertEqual(r.commandTimeout, .milliseconds(50))
    XCTAssertEqual(r.onStoreUnavailable, .deny)
    XCTAssertEqual(r.staleGrace, .seconds(60))
    XCTAssertEqual(r.breakerFailures, 5)
    XCTAssertEqual(r.breakerCooldown, .seconds(2))
  }

  func testEveryKey() {
    let cases: [(name: String, toml: String, check: (RedisSettings) -> Bool)] = [
      (
        "numeric address", "address = \"127.0.0.1:6380\"",
        { $0.endpoint == .address(address("127.0.0.1:6380")) }
      ),
      (
        "host name resolved at load", "address = \"redis.local:6379\"",
        { $0.endpoint == .address(address("10.1.2.3:6379")) }
      ),
      ("IPv6 address", "address = \"[::1]:6379\"", { $0.endpoint == .address(address("[::1]:6379")) }),
      (
        "sentinels", "sentinels = [\"127.0.0.1:26379\", \"redis.local:26380\"]\nmaster_name = \"mymaster\"",
        {
          $0.endpoint
            == .sentinels([address("127.0.0.1:26379"), address("10.1.2.3:26380")], masterName: "mymaster")
        }
      ),
      ("password literal", "password = \"hunter2\"", { $0.password == Secret("hunter2") }),
      (
        "password and username", "password = \"pw\"\nusername = \"gatehouse\"", { $0.username == "gatehouse" }
      ),
      ("database", "database = 3", { $0.database == 3 }),
      ("key prefix", "key_prefix = \"app1:\"", { $0.keyPrefix == "app1:" }),
      ("empty key prefix", "key_prefix = \"\"", { $0.keyPrefix == "" }),
      ("connect timeout", "connect_timeout = \"1s\"", { $0.connectTimeout == .seconds(1) }),
      ("command timeout", "command_timeout = \"20ms\"", { $0.commandTimeout == .milliseconds(20) }),
      (
        "command timeout is the default of both directions", "command_timeout = \"20ms\"",
        { $0.readTimeout == .milliseconds(20) && $0.writeTimeout == .milliseconds(20) }
      ),
      (
        "read and write timeouts", "read_timeout = \"5ms\"\nwrite_timeout = \"10ms\"",
        {
          $0.readTimeout == .milliseconds(5) && $0.writeTimeout == .milliseconds(10)
            && $0.commandTimeout == .milliseconds(50)
        }
      ),
      ("min replicas acked", "min_replicas_acked = 2", { $0.minReplicasAcked == 2 }),
      (
        "replica ack timeout", "replica_ack_timeout = \"30ms\"", { $0.replicaAckTimeout == .milliseconds(30) }
      ),
      ("jwt_only", "on_store_unavailable = \"jwt_only\"", { $0.onStoreUnavailable == .jwtOnly }),
      ("stale grace off", "stale_grace = \"0s\"", { $0.staleGrace == .zero }),
      ("breaker failures", "breaker_failures = 1", { $0.breakerFailures == 1 }),
      ("breaker cooldown", "breaker_cooldown = \"500ms\"", { $0.breakerCooldown == .milliseconds(500) }),
      (
        "cluster seeds", "cluster = [\"127.0.0.1:7000\", \"redis.local:7001\"]",
        {
          $0.endpoint == .cluster([address("127.0.0.1:7000"), address("10.1.2.3:7001")])
            && $0.readFrom == .master
        }
      ),
      (
        "cluster replica reads", "cluster = [\"127.0.0.1:7000\"]\nread_from = \"replica_preferred\"",
        { $0.readFrom == .replicaPreferred && $0.replicaTimeout == .milliseconds(25) }
      ),
      (
        "sentinel replica reads",
        "sentinels = [\"127.0.0.1:26379\"]\nmaster_name = \"m\"\nread_from = \"replica_preferred\"\nreplica_timeout = \"40ms\"",
        { $0.readFrom == .replicaPreferred && $0.replicaTimeout == .milliseconds(40) }
      ),
      ("read from master", "read_from = \"master\"", { $0.readFrom == .master }),
      (
        "replica timeout clamped to a short command timeout",
        "cluster = [\"127.0.0.1:7000\"]\nread_from = \"replica_preferred\"\ncommand_timeout = \"10ms\"",
        { $0.replicaTimeout == .milliseconds(10) }
      ),
    ]
    for c in cases {
      guard let r = redis(redisSession + c.toml, c.name) else { continue }
      XCTAssertTrue(c.check(r), "\(c.name): \(r)")
    }
  }

  func testPasswordFromEnvironment() throws {
    let r = try XCTUnwrap(
      redis(
        redisSession + "password = \"env:REDIS_PASSWORD\"", "env", environment: ["REDIS_PASSWORD": "s3cret"]))
    XCTAssertEqual(r.password?.revealed, "s3cret")
  }

  /// Each case is `redisSession` (lines 1-4) plus its own lines from line 5.
  func testInvalidValues() {
    let cases: [(name: String, toml: String, expected: [String])] = [
      (
        "address and sentinels",
        "address = \"127.0.0.1:6379\"\nsentinels = [\"127.0.0.1:26379\"]\nmaster_name = \"m\"",
        ["5 redis.address: set only one of address, sentinels or cluster (address and sentinels given)"]
      ),
      (
        "cluster and address", "cluster = [\"127.0.0.1:7000\"]\naddress = \"127.0.0.1:6379\"",
        ["6 redis.address: set only one of address, sentinels or cluster (address and cluster given)"]
      ),
      (
        "cluster and sentinels",
        "cluster = [\"127.0.0.1:7000\"]\nsentinels = [\"127.0.0.1:26379\"]\nmaster_name = \"m\"",
        ["6 redis.sentinels: set only one of address, sentinels or cluster (sentinels and cluster given)"]
      ),
      ("empty cluster", "cluster = []", ["5 redis.cluster: needs at least one \"host:port\""]),
      (
        "bad cluster seed", "cluster = [\"127.0.0.1:7000\", \"x\"]",
        ["5 redis.cluster[1]: invalid address \"x\" (use host:port or [IPv6]:port)"]
      ),
      (
        "master name with cluster", "cluster = [\"127.0.0.1:7000\"]\nmaster_name = \"m\"",
        ["6 redis.master_name: master_name is only used with sentinels"]
      ),
      (
        "database with cluster", "cluster = [\"127.0.0.1:7000\"]\ndatabase = 2",
        ["6 redis.database: a Redis Cluster has only database 0"]
      ),
      (
        "replica reads of a single address", "read_from = \"replica_preferred\"",
        [
          "5 redis.read_from: read_from = \"replica_preferred\" needs sentinels or cluster (a single address has no replicas)"
        ]
      ),
      (
        "unknown read_from", "cluster = [\"127.0.0.1:7000\"]\nread_from = \"replica\"",
        ["6 redis.read_from: unknown value \"replica\"; use \"master\" or \"replica_preferred\""]
      ),
      (
        "replica timeout past the command timeout",
        "cluster = [\"127.0.0.1:7000\"]\nread_from = \"replica_preferred\"\nreplica_timeout = \"60ms\"",
        ["7 redis.replica_timeout: replica_timeout must not be longer than read_timeout (50ms)"]
      ),
      (
        "sentinels without master", "sentinels = [\"127.0.0.1:26379\"]",
        [
          "5 redis.master_name: sentinels need master_name (the name the sentinels monitor, e.g. \"mymaster\")"
        ]
      ),
      (
        "empty sentinels", "sentinels = []\nmaster_name = \"m\"",
        ["5 redis.sentinels: needs at least one \"host:port\""]
      ),
      (
        "master without sentinels", "master_name = \"m\"",
        ["5 redis.master_name: master_name is only used with sentinels"]
      ),
      (
        "unresolvable", "address = \"nowhere.invalid:6379\"",
        ["5 redis.address: cannot resolve host \"nowhere.invalid\""]
      ),
      ("port zero", "address = \"127.0.0.1:0\"", ["5 redis.address: port 0 is not valid here"]),
      (
        "bad sentinel", "sentinels = [\"x\"]\nmaster_name = \"m\"",
        ["5 redis.sentinels[0]: invalid address \"x\" (use host:port or [IPv6]:port)"]
      ),
      (
        "username without password", "username = \"u\"",
        ["5 redis.username: username needs password (AUTH username password)"]
      ),
      ("database range", "database = -1", ["5 redis.database: -1 is out of range (0...65535)"]),
      (
        "key prefix with braces", "key_prefix = \"{gh}\"",
        [
          "5 redis.key_prefix: \"{gh}\" must be at most 64 printable ASCII characters without spaces, `{` or `}`"
        ]
      ),
      (
        "unknown action", "on_store_unavailable = \"allow\"",
        ["5 redis.on_store_unavailable: unknown action \"allow\"; use \"deny\" or \"jwt_only\""]
      ),
      (
        "breaker failures zero", "breaker_failures = 0",
        ["5 redis.breaker_failures: 0 is out of range (1...1000)"]
      ),
      (
        "command timeout zero", "command_timeout = \"0s\"",
        ["5 redis.command_timeout: duration \"0s\" is out of range (1ms to 1m)"]
      ),
      (
        "unknown key", "adress = \"127.0.0.1:6379\"",
        ["5 redis.adress: unknown key `adress` in [redis]; did you mean `address`?"]
      ),
      (
        "env password missing", "password = \"env:NOPE\"",
        ["5 redis.password: environment variable NOPE is not set"]
      ),
    ]
    for c in cases {
      XCTAssertEqual(issues(redisSession + c.toml), c.expected, c.name)
    }
  }

  func testRedisTableOnlyWithRedisStore() {
    let cases: [(name: String, toml: String, expected: [String])] = [
      (
        "memory store", "[session]\nkeys = [\"\(key32)\"]\n[redis]\naddress = \"127.0.0.1:6379\"",
        ["3 redis: [redis] is only used with [session] store = \"redis\" or a [session.migration] to Redis"]
      ),
      (
        "no session at all", "[redis]\naddress = \"127.0.0.1:6379\"",
        ["1 redis: [redis] is only used with [session] store = \"redis\" or a [session.migration] to Redis"]
      ),
      (
        "redis not a table", "redis = 1\n[session]\nkeys = [\"\(key32)\"]\nstore = \"redis\"",
        ["1 redis: expected a table [redis], found integer"]
      ),
    ]
    for c in cases {
      XCTAssertEqual(issues(c.toml), c.expected, c.name)
    }
  }

  func testCacheEnabledKey() throws {
    let text = "[session]\nkeys = [\"\(key32)\"]\n[session.cache]\nenabled = false"
    guard case .success(let config) = load(text) else { return XCTFail("cache enabled = false did not load") }
    XCTAssertEqual(config.session?.cacheEnabled, false)
  }

  func testRedactedDumpHidesPasswordAndReadsBack() throws {
    let text =
      redisSession
      + "sentinels = [\"127.0.0.1:26379\"]\nmaster_name = \"m\"\npassword = \"hunter2\"\nusername = \"u\""
    guard case .success(let config) = load(text) else { return XCTFail("did not load") }
    let dumped = config.redactedDescription()
    XCTAssertFalse(dumped.contains("hunter2"), dumped)
    XCTAssertTrue(dumped.contains("password = \"<redacted>\""), dumped)
    guard case .success(let reread) = load(dumped.replacingOccurrences(of: "<redacted>", with: key32)) else {
      return XCTFail("dump did not read back:\n\(dumped)")
    }
    let r = try XCTUnwrap(reread.session?.redis)
    let original = try XCTUnwrap(config.session?.redis)
    XCTAssertEqual(r.endpoint, original.endpoint)
    XCTAssertEqual(r.username, original.username)
    XCTAssertEqual(r.keyPrefix, original.keyPrefix)
    XCTAssertEqual(r.staleGrace, original.staleGrace)
  }

  func testRedactedDumpOfAClusterReadsBack() throws {
    let text =
      redisSession + "cluster = [\"127.0.0.1:7000\", \"[::1]:7001\"]\nread_from = \"replica_preferred\""
    guard case .success(let config) = load(text) else { return XCTFail("did not load: \(issues(text))") }
    let dumped = config.redactedDescription()
    XCTAssertTrue(dumped.contains("cluster = [\"127.0.0.1:7000\", \"[::1]:7001\"]"), dumped)
    let restored = dumped.replacingOccurrences(of: "\"<redacted>\"", with: "\"\(key32)\"")
      .replacingOccurrences(of: "password = \"\(key32)\"", with: "password = \"\"")
    guard case .success(let reread) = load(restored) else {
      return XCTFail("dump did not read back: \(issues(restored))")
    }
    XCTAssertEqual(reread.session?.redis, config.session?.redis)
  }

  /// The example's commented `[redis]` block, uncommented, loads with every default and shows
  /// every key with a comment line above it.
  func testExampleRedisBlock() throws {
    let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
      "../../proxy.conf.example"
    ).standardized.path
    let lines = try String(contentsOfFile: path, encoding: .utf8).split(
      separator: "\n", omittingEmptySubsequences: false)
    guard let start = lines.firstIndex(of: "#[redis]") else {
      return XCTFail("example lacks a commented [redis]")
    }
    var block: [String] = []
    for line in lines[start...] {
      guard line.hasPrefix("#") else { break }
      block.append(String(line.dropFirst()))
    }
    for key in ConfigReader.redisKeys where key != "target" {
      guard let index = block.firstIndex(where: { $0.hasPrefix("\(key) = ") || $0.hasPrefix("#\(key) = ") })
      else {
        XCTFail("example [redis] lacks \(key)")
        continue
      }
      XCTAssertTrue(block[index - 1].hasPrefix("#"), "redis.\(key) has a comment line above it")
    }
    let text = "[session]\nkeys = [\"\(key32)\"]\nstore = \"redis\"\n" + block.joined(separator: "\n")
    guard case .success(let config) = load(text) else { return XCTFail("uncommented block: \(issues(text))") }
    XCTAssertEqual(config.session?.redis, RedisSettings(), "the example shows the defaults")
  }
}
