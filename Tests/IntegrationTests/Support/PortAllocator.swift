import Glibc

/// Hands out loopback TCP ports that were free a moment ago (bind to port 0, read the port, close).
/// Thread-safe (stateless). A port can in principle be taken by someone else between `freePort()`
/// and its use; on a test box that window is negligible.
enum PortAllocator {
  static func freePort() throws -> UInt16 {
    let fd = try LoopbackSocket.makeTCP()
    defer { _ = Glibc.close(fd) }
    try LoopbackSocket.bind(fd, port: 0)
    return try LoopbackSocket.localPort(fd)
  }
}
