/// Request phase 1, before anything reads a header: one pass over the fields that gives each its
/// `FieldRole` (`HeaderIndex`). A field on the strip list (`[headers] strip`, Gatehouse's control
/// headers, the headers Gatehouse itself sets from a session or token) is dropped here for good:
/// no later phase sees it, the app never receives it. The session CSRF header is the one field
/// that is dropped but stays readable, because the CSRF check compares the client's value.
/// Immutable.
struct StripPhase: RequestPhase {
  func run(_ request: inout RequestContext, _ view: RequestView) -> PhaseResult {
    request.peerTrusted = request.runtime.isTrusted(view.peer.ip)
    request.headers.build(view.headAddress, in: view.bytes, rules: request.runtime)
    return .proceed
  }
}
