// swift-tools-version:6.2
import PackageDescription

// Dependency choices (all from the local mirror):
// - swift-argument-parser: the CLI (`run`, `check`, `version`).
// - swift-log: the logging API; Gatehouse supplies its own JSON-lines handler.
// - swift-prometheus: Prometheus text exposition for `/metrics` (no hand-written exposition).
// TOML is parsed by Gatehouse's own small parser (Sources/Config/TOML*.swift) rather than
// TOMLKit: every config error must carry the line of its key, and TOMLKit (a toml++ wrapper)
// reports positions only for syntax errors, not for the keys and values it returns; it would
// also add a large C++ header to every clean build.

let strict: [SwiftSetting] = [
  .enableUpcomingFeature("ExistentialAny"),
  .enableUpcomingFeature("InternalImportsByDefault"),
]

/// The per-request targets skip Swift's dynamic exclusivity checks: callgrind showed them at
/// ~1,900 of ~28,000 instructions per proxied request (swift_beginAccess + AccessSet + TLS).
/// Static exclusivity checking still applies at compile time.
let hotPath: [SwiftSetting] = strict + [.unsafeFlags(["-enforce-exclusivity=unchecked"])]

let package = Package(
  name: "gatehouse",
  platforms: [.macOS(.v15)],
  products: [
    .executable(name: "gatehouse", targets: ["gatehouse"])
  ],
  // Span export is our own OTLP/HTTP JSON exporter (Sources/Proxy/Tracing), not swift-otel: that
  // needs a Swift-concurrency runtime beside our loops and ~7 min of first build on CI
  // (docs/operations.md §5).
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
  ],
  targets: [
    // The three C doors; each is imported by exactly one Swift target.
    .target(name: "CLinux", cSettings: [.define("_GNU_SOURCE")]),
    .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
    .systemLibrary(name: "CHiredis", pkgConfig: "hiredis", providers: [.apt(["libhiredis-dev"])]),
    // Pure text codecs every target shares (hex, JSON strings): imports nothing.
    .target(name: "Codecs", swiftSettings: hotPath),
    // Pure addresses (IPAddress, CIDR, SocketAddress parsing/printing): no I/O.
    .target(name: "Net", swiftSettings: hotPath),
    // The only door to the kernel (epoll, sockets, timers, resolve, sockaddr forms).
    .target(name: "EventLoop", dependencies: ["CLinux", "Codecs", "Net"], swiftSettings: hotPath),
    // Pure HTTP/1.1 parsing and formatting.
    .target(name: "HTTP1", dependencies: ["Codecs"], swiftSettings: hotPath),
    // The only importer of OpenSSL.
    .target(name: "Crypto", dependencies: ["COpenSSL"], swiftSettings: strict),
    // Pure JOSE/JWKS state on top of Crypto.
    .target(name: "JWT", dependencies: ["Codecs", "Crypto"], swiftSettings: strict),
    // Session model and stores; only its Redis I/O files import EventLoop and CHiredis.
    .target(
      name: "Sessions", dependencies: ["Codecs", "Crypto", "Net", "EventLoop", "CHiredis"],
      swiftSettings: hotPath),
    // Pure TOML parser and validated settings; file reads and name resolution are injected.
    .target(
      name: "Config",
      dependencies: ["Codecs", "Net", "HTTP1", "JWT", "Sessions", .product(name: "Logging", package: "swift-log")],
      swiftSettings: strict
    ),
    // The proxy: pipeline, upstreams, auth integration, admin, metrics, logging.
    .target(
      name: "Proxy",
      dependencies: [
        "Config", "Codecs", "Net", "EventLoop", "HTTP1", "Crypto", "JWT", "Sessions",
        .product(name: "Logging", package: "swift-log"),
        .product(name: "Prometheus", package: "swift-prometheus"),
      ],
      // The dashboard page: one editable file, compiled into the binary (no files to ship).
      resources: [.embedInCode("Admin/Dashboard/dashboard.html")],
      swiftSettings: hotPath
    ),
    // `gatehouse audit`: static checks over the typed config, live probes over EventLoop's
    // blocking sockets (HTTP1 reads the answers), statistics and report formats; never Proxy.
    .target(
      name: "Audit", dependencies: ["Config", "Codecs", "HTTP1", "Crypto", "JWT", "Sessions", "Net", "EventLoop"],
      swiftSettings: strict),
    // The CLI: loads the configuration (Config), runs the proxy (Proxy) or audits (Audit).
    .executableTarget(
      name: "gatehouse",
      dependencies: [
        "Proxy", "Config", "Audit", "EventLoop", .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      swiftSettings: strict
    ),
    .testTarget(name: "CodecsTests", dependencies: ["Codecs"]),
    .testTarget(name: "NetTests", dependencies: ["Net"]),
    .testTarget(name: "EventLoopTests", dependencies: ["EventLoop", "Net"]),
    // Writes the parser tables' inputs as fuzz seeds (scripts/fuzz.sh).
    .target(name: "FuzzSeedSupport", path: "Tests/FuzzSeedSupport"),
    .testTarget(name: "HTTP1Tests", dependencies: ["HTTP1", "FuzzSeedSupport"]),
    .testTarget(name: "CryptoTests", dependencies: ["Crypto"]),
    .testTarget(
      name: "JWTTests", dependencies: ["JWT", "Crypto", "FuzzSeedSupport"], resources: [.copy("Fixtures")]),
    // Starts and stops redis-server / redis-sentinel for the Sessions and integration tests.
    .target(name: "RedisTestSupport", path: "Tests/RedisTestSupport"),
    .testTarget(
      name: "SessionsTests",
      dependencies: ["Sessions", "Crypto", "Net", "EventLoop", "RedisTestSupport", "FuzzSeedSupport"]),
    // Config without sockets or files: the tests inject ConfigSources.
    .testTarget(
      name: "ConfigTests",
      dependencies: [
        "Config", "Net", "Sessions", "JWT", "FuzzSeedSupport", .product(name: "Logging", package: "swift-log"),
      ]
    ),
    .testTarget(
      name: "ProxyTests",
      dependencies: [
        "Proxy", "Config", "HTTP1", "Net", "EventLoop", "Sessions", .product(name: "Logging", package: "swift-log"),
        .product(name: "Prometheus", package: "swift-prometheus"),
      ]
    ),
    .testTarget(name: "AuditTests", dependencies: ["Audit", "Config", "HTTP1", "Crypto", "Sessions", "Net"]),
    .testTarget(name: "IntegrationTests", dependencies: ["RedisTestSupport"], exclude: ["Fixtures"]),
  ],
  swiftLanguageModes: [.v6]
)

// The libFuzzer targets (fuzz/Sources): built only by scripts/fuzz.sh, which sets this variable,
// compiles them with `-sanitize=fuzzer,address -enable-testing` (the JSON and config targets
// reach internal APIs with @testable) and links one binary for every target. Left out of every
// other build, so normal builds and release images never see the fuzzer entry points.
if Context.environment["GATEHOUSE_FUZZ_BUILD"] == "1" {
  package.targets.append(
    .target(
      name: "GatehouseFuzz", dependencies: ["HTTP1", "JWT", "Sessions", "Config"], path: "fuzz/Sources",
      swiftSettings: strict))
}
