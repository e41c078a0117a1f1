import EventLoop
import Net

/// One line per request (`event: "access"`, JSON or logfmt per `[log] format`): `time` (request
/// start), `trace_id`, `span_id`, `request_id`, `client_ip`, `method`, `path` (no query string
/// unless `log_query`), `status`, `bytes_in` (request body), `bytes_out` (response body),
/// `duration_ms`, `upstream_ms` (to the response head; absent when no upstream answered),
/// `route` (`-` when none matched), `auth`, `principal` (a short hash, when authenticated),
/// `error` and `stripped_headers` when relevant. Never holds a header value, so never a token,
/// cookie or session id. Thread-safe (writes to the sink).
enum AccessLog {
  static func write(_ context: RequestContext, routeName: String, peer: SocketAddress?, to sink: LogSink) {
    var line = LogLine(format: sink.format)
    line.add("time", Timestamp.iso8601(nanos: context.startWallNanos))
    line.add("level", "info")
    line.add("event", "access")
    line.add("trace_id", context.traceIDString)
    line.add("span_id", context.spanIDString)
    line.add("request_id", context.requestIDString)
    line.add("client_ip", context.clientIP)
    line.add("method", context.methodText)
    line.add("path", context.pathText)
    line.add("status", context.status)
    line.add("bytes_in", Int(context.bytesIn))
    line.add("bytes_out", Int(context.bytesOut))
    let end = sink.clock.monotonicNanos()
    line.add("duration_ms", Double(end &- context.startNanos) / 1e6)
    if context.upstreamHeadNanos > 0 {
      line.add("upstream_ms", Double(context.upstreamHeadNanos &- context.upstreamStartNanos) / 1e6)
    }
    line.add("route", routeName)
    line.add("auth", "\(context.authMethod)")
    if let principal = context.principalHash { line.add("principal", principal.text) }
    if let error = context.error { line.add("error", error.kind.rawValue) }
    if context.strippedHeaders > 0 { line.add("stripped_headers", context.strippedHeaders) }
    sink.write(line.finish())
  }
}
