import Config
import EventLoop
import Foundation
import Glibc
import XCTest

@testable import Proxy

/// The fetcher thread driven by a `ManualClock`: the refresh schedule and `max_stale` follow the
/// injected clock, not real time (the thread still runs; the test only waits for its results).
final class JWKSFetcherTests: XCTestCase {
  private static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("../IntegrationTests/Fixtures/jwt").standardized
  private static let issuer = "https://login.example.com/"

  private var directory: URL!
  private var fetcher: JWKSFetcher?

  override func setUpWithError() throws {
    directory = FileManager.default.temporaryDirectory.appendingPathComponent("gh-jwks-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
  }

  override func tearDownWithError() throws {
    fetcher?.stop()
    try FileManager.default.removeItem(at: directory)
  }

  /// Polls `condition` (the fetcher thread's work) for up to 10 s.
  private func waitUntil(_ what: String, _ condition: () -> Bool) throws {
    let poll = try Notifier()
    for _ in 0..<10_000 where !condition() {
      _ = poll.wait(timeoutNanos: 1_000_000)
    }
    XCTAssertTrue(condition(), what)
  }

  private func fetches(_ result: String) -> Int {
    fetcher?.counters.jwksFetches["\(Self.issuer)|\(result)"] ?? 0
  }

  func testRefreshScheduleAndMaxStaleFollowTheInjectedClock() throws {
    let keys = directory.appendingPathComponent("keys.json")
    try FileManager.default.copyItem(at: Self.fixtures.appendingPathComponent("jwks_k1.json"), to: keys)
    let text = """
      [[jwt.issuer]]
      issuer = "\(Self.issuer)"
      audiences = ["api.example.com"]
      jwks_file = "\(keys.path)"
      refresh_interval = "10m"
      max_stale = "1h"
      """
    guard
      case .success(let config) = ConfigLoader.parse(text, file: "t", baseDirectory: "/", sources: .system(environment: [:]))
    else { return XCTFail("config") }
    let clock = ManualClock()
    let fetcher = try JWKSFetcher(
      settings: config.jwt, sink: LogSink(fd: open("/dev/null", O_WRONLY | O_CLOEXEC)), clock: clock)
    self.fetcher = fetcher
    try fetcher.start()

    try waitUntil("the first fetch runs at once") { fetches("success") == 1 }
    XCTAssertTrue(fetcher.readinessProblems().isEmpty)

    clock.advance(by: .seconds(600))
    fetcher.wake()
    try waitUntil("refreshed once the clock passed refresh_interval") { fetches("success") == 2 }

    try FileManager.default.removeItem(at: keys)
    clock.advance(by: .seconds(600))
    fetcher.wake()
    try waitUntil("the next refresh fails") { fetches("failure") == 1 }
    XCTAssertTrue(fetcher.readinessProblems().isEmpty, "stale keys serve within max_stale")

    clock.advance(by: .seconds(3600))
    let problems = fetcher.readinessProblems()
    XCTAssertEqual(problems.count, 1)
    XCTAssertTrue(
      problems.first?.detail.hasPrefix("key set older than max_stale: cannot read \(keys.path)") ?? false,
      "\(problems)")
  }
}
