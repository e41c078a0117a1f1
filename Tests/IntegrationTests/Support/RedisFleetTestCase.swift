import XCTest

/// A session test that starts its own Redis servers and sentinels (`server { … }`) and stops
/// every one of them after each test.
class RedisFleetTestCase: SessionTestCase {
  private var servers: [RedisTestServer] = []

  override func tearDown() {
    for server in servers { server.stop() }
    servers = []
    super.tearDown()
  }

  /// Makes a server, remembers it for `tearDown` and starts it.
  func server(_ make: () throws -> RedisTestServer) throws -> RedisTestServer {
    let server = try make()
    servers.append(server)
    try server.start()
    return server
  }
}
