@_exported import RedisTestSupport

/// The shared `redis-server`/`redis-sentinel` test process (Tests/RedisTestSupport).
typealias RedisTestServer = RedisServerProcess
