import Foundation
import Glibc
import Synchronization

/// Loopback TCP ports for servers a test starts and configures by number (redis-server, a
/// cluster node, gatehouse's listener and admin port, an upstream).
///
/// Ports come from below the kernel's ephemeral range (`/proc/sys/net/ipv4/ip_local_port_range`,
/// 32768–60999 on Linux by default): the kernel never hands those out for an outgoing `connect`
/// or a `bind` to port 0, so between the probe here and the server's own `bind` no client socket
/// and no other test's port-0 listener can take the port — the race that made a `bind: Address
/// already in use` possible when ports came from `bind(0)`. A port is handed out once per test
/// process, and a Redis Cluster node's bus port (port + 10000) stays below the range too.
/// docs/testing.md says more.
public enum LoopbackPorts {
  private static let lowest = 10_000
  private static let state = Mutex<(next: Int, handedOut: Set<Int>)>(
    (next: LoopbackPorts.lowest + Int(getpid() % 4_000), handedOut: []))

  /// A port nothing listens on now and this process never handed out before.
  public static func fresh() throws -> Int {
    let end = ephemeralLow() - 10_000
    guard end > lowest + 100 else { return try probeKernelPort() }
    for _ in 0..<(end - lowest) {
      let port = state.withLock { state -> Int? in
        let port = state.next
        state.next = port + 1 >= end ? lowest : port + 1
        return state.handedOut.insert(port).inserted ? port : nil
      }
      if let port, isFree(port) { return port }
    }
    throw RedisTestSupportError("no free loopback port in \(lowest)..<\(end)")
  }

  private static func ephemeralLow() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8),
      let low = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).first.flatMap({
        Int($0)
      })
    else { return 32_768 }
    return low
  }

  /// Binds `port` on 127.0.0.1 (no SO_REUSEADDR: a port in TIME_WAIT counts as taken) and closes.
  private static func isFree(_ port: Int) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    return withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
      }
    }
  }

  /// Fallback for a machine whose ephemeral range starts too low to leave room below it.
  private static func probeKernelPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    guard fd >= 0 else { throw RedisTestSupportError("socket failed") }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let bound = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    guard bound == 0 else { throw RedisTestSupportError("bind failed") }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    return Int(UInt16(bigEndian: address.sin_port))
  }
}
