import HTTP1

/// Request phase 2: W3C trace context and the request id, before routing so that every answer
/// — local ones included — carries them. A valid `traceparent` is continued with a new span id
/// (the first valid one, if several were sent, keeping its sampled flag); otherwise a trace
/// starts here, sampled. A well-formed
/// client request id is kept; otherwise one is made. The phase owns the worker's id generator
/// (it is the only state a phase keeps). Loop-thread only.
final class TracePhase: RequestPhase {
  var ids = IDGenerator()

  func run(_ request: inout RequestContext, _ view: RequestView) -> PhaseResult {
    let fields = view.head.fields
    var traceParentValid = false
    var index = request.headers.firstTraceparent
    while index >= 0 && index < fields.count {
      if request.headers.role(at: index) == .traceparent,
        let parent = TraceParent.parse(fields[index].value(in: view.bytes))
      {
        traceParentValid = true
        request.traceHigh = parent.traceID.0
        request.traceLow = parent.traceID.1
        request.traceFlags = parent.flags
        request.parentSpanID = parent.parentID
        break
      }
      index += 1
    }
    request.traceParentValid = traceParentValid
    if !traceParentValid {
      request.traceHigh = ids.nextNonZero()
      request.traceLow = ids.next()
      // parent_based_ratio: a trace this proxy starts is sampled at `ratio` (1.0 by default), and
      // the flag says so, so a parent-based sampler downstream follows (docs/operations.md §5).
      let threshold = request.runtime.traceSampleThreshold
      request.traceFlags = threshold == UInt64.max || ids.next() <= threshold ? 1 : 0
    }
    request.spanID = ids.nextNonZero()
    index = request.headers.firstRequestID
    while index >= 0 && index < fields.count {
      if request.headers.role(at: index) == .requestID {
        let value = fields[index].value(in: view.bytes)
        if RequestID.isWellFormed(value) {
          request.clientRequestID = Array(value)
          break
        }
      }
      index += 1
    }
    if request.clientRequestID == nil {
      request.generatedRequestID = (ids.next(), ids.next())
    }
    return .proceed
  }
}
