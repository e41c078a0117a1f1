/// The last phase, run exactly once per request however it ended (answered by the app or by
/// Gatehouse, timed out, or cut off by the client; `Pipeline.finish` makes sure of the once):
/// the request metrics, a `spoofed_header` security event when the strip list removed identity
/// headers, and the access log line. Immutable (the sinks are the worker's).
struct LoggingPhase {
  unowned(unsafe) let worker: Worker

  func run(_ request: inout RequestContext, now: UInt64) {
    // The worker and its metrics lent without a retain (the worker outlives its requests; a
    // plain call retained and released each; docs/performance.md, "The shared pipeline, round 7").
    // No closure captures the context: that copied the whole context.
    let routeIndex = request.routeIndex
    let (slot, metrics) = Unmanaged.passUnretained(worker)._withUnsafeGuaranteedRef {
      ($0.routeSlot(routeIndex), Unmanaged.passUnretained($0.metrics))
    }
    metrics.takeUnretainedValue().requestFinished(request, routeSlot: slot, now: now)
    if request.strippedHeaders > 0 {
      worker.logSecurityEvent("spoofed_header", request: request, count: request.strippedHeaders)
    }
    if request.traceFlags & 1 != 0, let exporter = worker.spanExporter {
      exporter.enqueue(
        SpanRecord(
          request, routeName: routeName(request), now: now, recordUserID: exporter.settings.recordUserID))
    }
    guard worker.runtime.accessLog else { return }
    AccessLog.write(request, routeName: routeName(request), peer: nil, to: worker.shared.sink)
  }

  private func routeName(_ request: RequestContext) -> String {
    let index = request.routeIndex
    return index >= 0 ? request.runtime.routes.routes[index].name : "-"
  }
}
