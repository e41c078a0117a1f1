import HTTP1

/// Request phase 4: a method override — a `[headers] method_override_headers` field or a
/// `method_override_params` query parameter — that names an unsafe method makes the request
/// unsafe for CSRF (`request.methodOverrideUnsafe`, read by the session CSRF check), because an
/// app that honours it turns `GET` into `DELETE`. The override headers themselves were already
/// given their role by `StripPhase` (dropped unless `strip_method_override = false`); the query
/// is the app's and is never rewritten (docs/security.md, "Methods and CSRF"). Immutable.
struct MethodOverridePhase: RequestPhase {
  func run(_ request: inout RequestContext, _ view: RequestView) -> PhaseResult {
    let first = request.headers.firstMethodOverride
    if first >= 0 && headerNamesUnsafeMethod(from: first, request.headers, view) {
      request.methodOverrideUnsafe = true
      return .proceed
    }
    let query = view.query
    guard !query.isEmpty else { return .proceed }
    let params = request.runtime.hardening.methodOverrideParams
    if !params.isEmpty && MethodOverride.queryNamesUnsafeMethod(query, names: params) {
      request.methodOverrideUnsafe = true
    }
    return .proceed
  }

  private func headerNamesUnsafeMethod(from first: Int, _ index: borrowing HeaderIndex, _ view: RequestView)
    -> Bool
  {
    let head = view.head
    for position in first..<index.count {
      let role = index.role(at: position)
      guard role == .methodOverride || role == .methodOverrideStripped else { continue }
      if MethodOverride.namesUnsafeMethod(head.fields[position].value(in: view.bytes)) { return true }
    }
    return false
  }
}
