// swift-tools-version:6.2
import PackageDescription

// Dependency choices (all from the local mirror):
// - swift-argument-parser: the CLI (`run`, `check`, `version`).
// - swift-log: the logging API; Gatehouse supplies its own JSON-lines handler.
// - swift-prometheus: Prometheus text exposition for `/metrics` (no hand-written exposition).
// TOML is parsed by Gatehouse's own small parser (Sources/Proxy/Config/TOML*.swift) rather than
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
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
  ],
  targets: [
    .target(name: "CLinux", cSettings: [.define("_GNU_SOURCE")]),
    .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
    .systemLibrary(name: "CHiredis", pkgConfig: "hiredis", providers: [.apt(["libhiredis-dev"])]),
    .target(name: "EventLoop", dependencies: ["CLinux"], swiftSettings: hotPath),
    .target(name: "HTTP1", swiftSettings: hotPath),
    .target(name: "Crypto", dependencies: ["COpenSSL"], swiftSettings: strict),
    .target(name: "JWT", dependencies: ["Crypto"], swiftSettings: strict),
    .target(name: "Sessions", dependencies: ["Crypto", "EventLoop", "CHiredis"], swiftSettings: strict),
    .target(
      name: "Proxy",
      dependencies: [
        "EventLoop", "HTTP1", "Crypto", "JWT", "Sessions",
        .product(name: "Logging", package: "swift-log"),
        .product(name: "Prometheus", package: "swift-prometheus"),
      ],
      swiftSettings: hotPath
    ),
    .executableTarget(
      name: "gatehouse",
      dependencies: ["Proxy", "EventLoop", .product(name: "ArgumentParser", package: "swift-argument-parser")],
      swiftSettings: strict
    ),
    .testTarget(name: "EventLoopTests", dependencies: ["EventLoop"]),
    .testTarget(name: "HTTP1Tests", dependencies: ["HTTP1"]),
    .testTarget(name: "CryptoTests", dependencies: ["Crypto"]),
    .testTarget(name: "JWTTests", dependencies: ["JWT", "Crypto"], resources: [.copy("Fixtures")]),
    // Starts and stops redis-server / redis-sentinel for the Sessions and integration tests.
    .target(name: "RedisTestSupport", path: "Tests/RedisTestSupport"),
    .testTarget(name: "SessionsTests", dependencies: ["Sessions", "Crypto", "EventLoop", "RedisTestSupport"]),
    .testTarget(
      name: "ProxyTests",
      dependencies: ["Proxy", "HTTP1", "EventLoop", .product(name: "Logging", package: "swift-log")]
    ),
    .testTarget(name: "IntegrationTests", dependencies: ["RedisTestSupport"], exclude: ["Fixtures"]),
  ],
  swiftLanguageModes: [.v6]
)
