import Net

@testable import Audit

/// A `ProbeNetwork` without sockets: every connection hands the bytes it is sent to `respond`,
/// which returns what the "server" answers and whether it then closes. Time is a counter that
/// `pause` moves forward. Single-thread use (one test).
final class ScriptedNetwork: ProbeNetwork {
  struct Answer {
    var bytes: [UInt8]
    var close: Bool
  }

  let respond: (_ request: [UInt8], _ source: IPAddress?) -> Answer
  private(set) var now: UInt64 = 1_000_000_000
  private(set) var connections = 0
  private(set) var pauses: [UInt64] = []

  init(respond: @escaping (_ request: [UInt8], _ source: IPAddress?) -> Answer) {
    self.respond = respond
  }

  func connect(to address: SocketAddress, from source: IPAddress?, tls serverName: String?, deadline: UInt64)
    throws(AuditError) -> any ProbeConnection
  {
    connections += 1
    return Connection(network: self, source: source)
  }

  func resolve(host: String, port: UInt16) -> [SocketAddress] {
    IPAddress(host).map { [SocketAddress(ip: $0, port: port)] } ?? []
  }

  func monotonicNanos() -> UInt64 {
    now += 1000
    return now
  }

  func pause(until deadline: UInt64) {
    pauses.append(deadline - min(deadline, now))
    now = max(now, deadline)
  }

  final class Connection: ProbeConnection {
    let network: ScriptedNetwork
    let source: IPAddress?
    var inbox: [[UInt8]] = []
    var closing = false

    init(network: ScriptedNetwork, source: IPAddress?) {
      self.network = network
      self.source = source
    }

    var localAddress: IPAddress? { source ?? IPAddress("127.0.0.1") }

    func send(_ bytes: [UInt8], deadline: UInt64) throws(AuditError) {
      let answer = network.respond(bytes, source)
      if !answer.bytes.isEmpty { inbox.append(answer.bytes) }
      if answer.close { closing = true }
    }

    func receive(deadline: UInt64) throws(AuditError) -> [UInt8] {
      if !inbox.isEmpty { return inbox.removeFirst() }
      if closing { return [] }
      throw AuditError(.timeout, "no answer")
    }

    func close() {}
  }
}
