import HTTP1

/// Request phase 2: W3C trace context and the request id, before routing so that every answer
/// — local ones included — carries them. A valid `traceparent` is continued with a new span id
/// (the first valid one, if several were sent); otherwise a trace starts here. A well-formed
/// client request id is kept; otherwise one is made. Ids come from the worker's `IDGenerator`.
/// Immutable (the generator is the worker's).
struct TracePhase: RequestPhase {
  unowned(unsafe) let worker: Worker

  func run(_ request: inout RequestContext, _ view: RequestView) -> PhaseResult {
    let fields = view.head.fields
    let roles = request.headers.roles
    var traceParentValid = false
    var index = request.headers.firstTraceparent
    while index >= 0 && index < fields.count {
      if roles[index] == .traceparent, let parent = TraceParent.parse(fields[index].value(in: view.bytes)) {
        traceParentValid = true
        request.traceHigh = parent.traceID.0
        request.traceLow = parent.traceID.1
        request.traceFlags = parent.flags
        break
      }
      index += 1
    }
    request.traceParentValid = traceParentValid
    if !traceParentValid {
      request.traceHigh = worker.ids.nextNonZero()
      request.traceLow = worker.ids.next()
      request.traceFlags = 0
    }
    request.spanID = worker.ids.nextNonZero()
    index = request.headers.firstRequestID
    while index >= 0 && index < fields.count {
      if roles[index] == .requestID {
        let value = fields[index].value(in: view.bytes)
        if RequestID.isWellFormed(value) {
          request.clientRequestID = Array(value)
          break
        }
      }
      index += 1
    }
    if request.clientRequestID == nil {
      request.generatedRequestID = (worker.ids.next(), worker.ids.next())
    }
    return .proceed
  }
}
