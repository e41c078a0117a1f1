import HTTP1

/// Response phase 4: a response to an authenticated request (session or JWT) that carries no
/// `Cache-Control` gets `[headers] authenticated_cache_control` (default `private, no-store`),
/// so a shared cache in front of Gatehouse never stores one user's page for another. A response
/// with its own `Cache-Control` is the app's decision and passes (docs/security.md, "Responses").
/// Immutable.
struct CacheControlPhase: ResponsePhase {
  func run(_ request: inout RequestContext, _ view: ResponseView) -> PhaseResult {
    // A 304 updates the headers of a stored response: it carries the app's own policy, if any.
    guard view.kind == .final, view.head.status != 304, request.principalHash != nil,
      let value = request.runtime.hardening.authenticatedCacheControl
    else { return .proceed }
    let fields = view.head.fields
    for position in 0..<fields.count {
      let name = fields[position].name(in: view.bytes)
      if name.count == 13 && FieldName.equals(name, "cache-control") { return .proceed }
    }
    // Written by `ResponseRewritePhase` (appending to `responseHeaders` could allocate).
    request.addedCacheControl = value
    return .proceed
  }
}
