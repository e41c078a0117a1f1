import EventLoop

/// One JSON line per request (`event: "access"`). Never holds a token, cookie or session id:
/// the principal appears only as a short hash.
enum AccessLog {
  static func write(_ context: RequestContext, routeName: String, peer: SocketAddress?, to sink: LogSink) {
    var line = JSONLine()
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
    let end = MonotonicClock.now()
    line.add("duration_ms", Double(end &- context.startNanos) / 1e6)
    if context.upstreamHeadNanos > 0 {
      line.add("upstream_ms", Double(context.upstreamHeadNanos &- context.upstreamStartNanos) / 1e6)
    }
    line.add("route", routeName)
    line.add("auth", "\(context.authMethod)")
    if let principal = context.principalHash { line.add("principal", principal) }
    if let error = context.error { line.add("error", error.kind.rawValue) }
    if context.strippedHeaders > 0 { line.add("stripped_headers", context.strippedHeaders) }
    sink.write(line.finish())
  }
}
