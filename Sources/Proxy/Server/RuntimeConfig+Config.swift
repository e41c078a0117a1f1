public import Config
import HTTP1

extension RuntimeConfig {
  /// Compiles a validated configuration into the hot-path form. `retiredSessionCookie`: a
  /// session cookie name a reload replaced, removed from upstream requests like the current one.
  public convenience init(config: GatehouseConfig, retiredSessionCookie: String? = nil) {
    let routes = config.routes.map { route -> CompiledRoute in
      switch route.match {
      case .prefix(let path):
        return CompiledRoute(
          name: route.name, path: path, exact: false, methods: route.methods, auth: route.auth,
          onUnauthenticated: route.onUnauthenticated, require: route.require)
      case .exact(let path):
        return CompiledRoute(
          name: route.name, path: path, exact: true, methods: route.methods, auth: route.auth,
          onUnauthenticated: route.onUnauthenticated, require: route.require)
      }
    }
    self.init(
      routes: RouteTable(routes),
      strip: config.headers.strip
        + (config.jwt.identityHeaderNames + [config.assertion?.header].compactMap { $0 }).filter { name in
          !config.headers.strip.contains { $0.lowercased() == name.lowercased() }
        },
      requestIDHeader: config.headers.requestIdHeader,
      trustedProxies: config.server.trustedProxies,
      headLimits: HeadLimits(
        maxRequestLineBytes: config.limits.maxRequestLineBytes, maxHeaderBytes: config.limits.maxHeaderBytes,
        maxHeaders: config.limits.maxHeaders),
      headerTimeout: config.limits.headerTimeout.nanoseconds,
      idleTimeout: config.limits.idleTimeout.nanoseconds,
      connectTimeout: config.upstream.connectTimeout.nanoseconds,
      responseTimeout: config.upstream.responseTimeout.nanoseconds,
      maxBodyBytes: Int64(config.limits.maxBodyBytes), upstream: config.upstream.address,
      accessLog: config.log.accessLog, logQuery: config.log.logQuery, session: config.session,
      retiredSessionCookie: retiredSessionCookie, traceRatio: config.tracing.ratio,
      exportSpans: config.tracing.otlpAddress != nil, hardening: HardeningRules(config: config),
      cookiePolicy: config.cookiePolicy)
  }
}
