public import Net

/// Talks HTTP/1.1 to the audited deployment for every probe: resolves the target once, opens
/// connections (optionally from another local address), adds the audit's `User-Agent` and
/// `Accept: application/json` (so unauthenticated requests get 401, not a login redirect),
/// and spaces requests by the rate limit. Single-thread use.
public final class AuditHTTPClient {
  public let target: ProbeTarget
  let network: any ProbeNetwork
  let addresses: [SocketAddress]
  public let userAgent: String
  /// Per request: connect, send and the whole response.
  let timeout: UInt64
  private var limiter: RateLimiter
  public private(set) var requestCount = 0
  /// The local address of the last connection opened from the default source.
  public private(set) var localAddress: IPAddress?

  public init(
    target: ProbeTarget, network: any ProbeNetwork, userAgent: String, requestsPerSecond: Double,
    timeoutNanos: UInt64 = 10_000_000_000
  ) throws(AuditError) {
    self.target = target
    self.network = network
    addresses = network.resolve(host: target.host, port: target.port)
    guard !addresses.isEmpty else { throw AuditError(.connect, "cannot resolve \(target.host)") }
    self.userAgent = userAgent
    timeout = timeoutNanos
    limiter = RateLimiter(perSecond: requestsPerSecond)
  }

  /// The address requests go to (the first the name resolved to).
  public var address: SocketAddress { addresses[0] }

  /// A new connection, from `source` when given.
  func open(from source: IPAddress? = nil) throws(AuditError) -> HTTPConnection {
    let deadline = network.monotonicNanos() + timeout
    let connection = try network.connect(
      to: address, from: source, tls: target.isTLS ? target.host : nil, deadline: deadline)
    if source == nil { localAddress = connection.localAddress }
    return HTTPConnection(connection, client: self)
  }

  /// Opens and closes one connection: throws when the target cannot be reached at all.
  public func checkReachable() throws(AuditError) {
    try open().close()
  }

  /// One request on its own connection.
  public func send(_ request: ProbeRequest, from source: IPAddress? = nil) throws(AuditError) -> HTTPResponse
  {
    let connection = try open(from: source)
    defer { connection.close() }
    return try connection.exchange(request).0
  }

  func encode(_ request: ProbeRequest) -> [UInt8] {
    var request = request
    let names = Set(request.headers.map { $0.name.lowercased() })
    if !names.contains("user-agent") { request.headers.append(HTTPHeader("User-Agent", userAgent)) }
    if !names.contains("accept") { request.headers.append(HTTPHeader("Accept", "application/json")) }
    return request.encoded(host: target.authority)
  }

  func waitForRateLimit() {
    requestCount += 1
    let slot = limiter.reserve(now: network.monotonicNanos())
    if slot > network.monotonicNanos() { network.pause(until: slot) }
  }
}
