/// One sampled request as spans, taken from its `RequestContext` when it ends (the logging
/// phase) and handed to the exporter: the server span and its children for authentication
/// (`validate_session` / `validate_jwt`) and the upstream exchange. Times are wall-clock ns.
/// Immutable.
struct SpanRecord: Sendable {
  struct Child: Sendable {
    let name: String
    /// OTLP span kind: 1 internal, 3 client.
    let kind: Int
    let spanID: UInt64
    let start: Int64
    let end: Int64
  }

  let traceHigh: UInt64
  let traceLow: UInt64
  let spanID: UInt64
  /// 0: a root span (the trace started here).
  let parentSpanID: UInt64
  let name: String
  let start: Int64
  let end: Int64
  let method: String
  let path: String
  let route: String
  let status: Int
  let authMethod: String
  let children: [Child]
  /// The authenticated user (`X-User-Id` given to the app), only with `record_user_id`.
  let userID: String?

  init(_ request: RequestContext, routeName: String, now: UInt64, recordUserID: Bool = false) {
    userID =
      recordUserID
      ? request.identityHeaders.first { $0.0 == "X-User-Id" }?.1 ?? request.identityLines?.identity.userID : nil
    traceHigh = request.traceHigh
    traceLow = request.traceLow
    spanID = request.spanID
    parentSpanID = request.parentSpanID
    method = request.methodText
    path = request.pathText
    route = routeName
    status = request.status
    authMethod = "\(request.authMethod)"
    name = "\(request.methodText) \(routeName)"
    let base = request.startNanos
    let wall = request.startWallNanos
    func wallTime(_ monotonic: UInt64) -> Int64 { wall &+ Int64(bitPattern: monotonic &- base) }
    start = wall
    end = wallTime(max(now, base))
    var children: [Child] = []
    if request.authEndNanos >= request.authStartNanos && request.authStartNanos >= base {
      children.append(
        Child(
          name: authMethod == "jwt" ? "validate_jwt" : "validate_session", kind: 1,
          spanID: Self.childID(request.spanID, 1), start: wallTime(request.authStartNanos),
          end: wallTime(request.authEndNanos)))
    }
    if request.upstreamStartNanos >= base && request.upstreamStartNanos > 0 {
      let upstreamEnd =
        request.upstreamHeadNanos > request.upstreamStartNanos ? request.upstreamHeadNanos : now
      children.append(
        Child(
          name: "upstream", kind: 3, spanID: Self.childID(request.spanID, 2),
          start: wallTime(request.upstreamStartNanos),
          end: wallTime(max(upstreamEnd, request.upstreamStartNanos))))
    }
    self.children = children
  }

  /// A child's span id: distinct from its parent's and its siblings', never 0.
  static func childID(_ parent: UInt64, _ index: UInt64) -> UInt64 {
    var value = (parent ^ (index &* 0x9E37_79B9_7F4A_7C15)) &* 0xBF58_476D_1CE4_E5B9
    value ^= value >> 31
    return value == 0 ? index : value
  }
}
