import EventLoop

/// Security events: their own line type (`event: "security"`, level `warning`) with a `kind`
/// — `rejected_request` (with the parser's `reason`), `spoofed_header` (the strip list removed
/// client-sent identity headers; `count`), `no_route`; later issues add bad tokens, binding
/// mismatches, CSRF failures. Never carries a header value. Thread-safe (writes to the sink).
enum SecurityLog {
  static func write(
    kind: String, reason: String = "", count: Int = 0, suppressed: UInt64 = 0, context: RequestContext?,
    clientIP: String?, to sink: LogSink
  ) {
    guard sink.accepts(.warning) else { return }
    var line = LogLine(format: sink.format)
    line.add("time", sink.timestampNow())
    line.add("level", "warning")
    line.add("event", "security")
    line.add("kind", kind)
    if !reason.isEmpty { line.add("reason", reason) }
    if count > 0 { line.add("count", count) }
    // Lines of this source the rate limit dropped since its previous line.
    if suppressed > 0 { line.add("suppressed", Int(clamping: suppressed)) }
    if let clientIP { line.add("client_ip", clientIP) }
    if let context {
      if !context.methodText.isEmpty { line.add("method", context.methodText) }
      if !context.pathText.isEmpty { line.add("path", context.pathText) }
      line.add("request_id", context.requestIDString)
      line.add("trace_id", context.traceIDString)
    }
    sink.write(line.finish())
  }
}

extension SecurityLog {
  /// A security event outside a request's context (e.g. from the session lifecycle).
  static func event(_ kind: String, reason: String, to sink: LogSink) {
    write(kind: kind, reason: reason, context: nil, clientIP: nil, to: sink)
  }
}

extension SecurityLog {
  /// An operator's action on the admin listener (`AdminEvent`).
  static func admin(_ event: AdminEvent, to sink: LogSink) {
    guard sink.accepts(.warning) else { return }
    var line = LogLine(format: sink.format)
    line.add("time", sink.timestampNow())
    line.add("level", "warning")
    line.add("event", "security")
    line.add("kind", event.kind)
    line.add("operator_token", event.tokenID)
    line.add("via", event.via)
    for field in event.fields { line.add(field.name, field.value) }
    sink.write(line.finish())
  }
}
