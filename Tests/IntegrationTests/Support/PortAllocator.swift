import RedisTestSupport

/// Hands out loopback TCP ports for the servers a test starts (`LoopbackPorts`: below the
/// kernel's ephemeral range and never twice per test process, so no client socket or port-0
/// listener takes one between this call and the server's `bind`). Thread-safe.
enum PortAllocator {
  static func freePort() throws -> UInt16 { UInt16(try LoopbackPorts.fresh()) }
}
