import XCTest

/// A session test with one `redis-server` of its own (ephemeral port), started before each test
/// and stopped by pid after it.
class RedisSessionTestCase: SessionTestCase {
  private(set) var redis: RedisTestServer!

  override func setUpWithError() throws {
    try super.setUpWithError()
    redis = try RedisTestServer()
    try redis.start()
  }

  override func tearDown() {
    redis?.stop()
    super.tearDown()
  }
}
