import Config
import EventLoop
import HTTP1
import Net

@testable import Proxy

extension RuntimeConfig {
  /// A configuration for tests: the given routes (default: everything public), timeouts in
  /// seconds that tests drive with their own clock, and the default strip list.
  static func testing(
    routes: [CompiledRoute] = [
      CompiledRoute(name: "all", path: "/", exact: false, methods: [], auth: .publicAccess)
    ],
    strip: [String] = HeaderSettings.defaultStrip, trustedProxies: [CIDR] = [],
    headLimits: HeadLimits = HeadLimits(), maxBodyBytes: Int64 = 1 << 20, accessLog: Bool = false,
    session: SessionSettings? = nil, hardening: HardeningRules = HardeningRules(),
    cookiePolicy: CookiePolicySettings? = nil
  ) -> RuntimeConfig {
    RuntimeConfig(
      routes: RouteTable(routes), strip: strip, requestIDHeader: "X-Request-Id",
      trustedProxies: trustedProxies,
      headLimits: headLimits, headerTimeout: 10 * second, idleTimeout: 60 * second,
      connectTimeout: 5 * second,
      responseTimeout: 30 * second, maxBodyBytes: maxBodyBytes,
      upstream: SocketAddress.parse("127.0.0.1:9")!, accessLog: accessLog, logQuery: false, session: session,
      hardening: hardening, cookiePolicy: cookiePolicy)
  }
}

let second: UInt64 = 1_000_000_000

extension RequestContext {
  /// A context under the test configuration (log and metrics tests fill in the fields they need).
  init() {
    self.init(runtime: .testing())
  }
}
