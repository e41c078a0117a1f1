import Config
import JWT
import Sessions

/// Request phase 8: the route's `require` rule (`AccessRule`), judged after authentication
/// against what the caller authenticated with — the session's attributes (elevated ones first)
/// or the token's claims. A route without a rule costs one nil check. A caller the rule does not
/// admit gets 403 JSON and a `forbidden` security event naming the route and the failed
/// condition, never a value (docs/security.md, "Per-route authorization"). Immutable.
struct RequirePhase: RequestPhase {
  unowned(unsafe) let worker: Worker

  func run(_ request: inout RequestContext, _ view: RequestView) -> PhaseResult {
    guard request.routeIndex >= 0, let rule = request.runtime.routes.routes[request.routeIndex].require else {
      return .proceed
    }
    let failed: String?
    if let token = request.token {
      failed = rule.firstFailure { token.claims[$0] }
    } else if let session = request.session {
      let record = session.record
      failed = rule.firstFailure { name in
        (record.elevatedAttributes[name] ?? record.attributes[name]).map(RequirePhase.attributeValue)
      }
    } else {
      // A public route cannot carry a rule (the config check refuses it): nothing to judge.
      failed = "no_identity"
    }
    guard let failed else { return .proceed }
    let route = request.runtime.routes.routes[request.routeIndex].name
    worker.logSecurityEvent(
      "forbidden", context: request, peer: view.peer, reason: "require \(route): \(failed)")
    worker.metrics.authenticationRefused(.forbidden, routeSlot: worker.routeSlot(request.routeIndex))
    return .answer(ProxyError(.forbidden, .downstream, "require \(failed)"), headers: [])
  }

  /// A session attribute as the rule sees it: attributes are strings; one with a comma is a
  /// list (`roles=admin,ops`), its elements trimmed of spaces, so "array contains" works for
  /// sessions as for JWT array claims.
  static func attributeValue(_ text: String) -> JSONValue {
    guard text.utf8.contains(UInt8(ascii: ",")) else { return .string(text) }
    return .array(
      text.split(separator: ",", omittingEmptySubsequences: false).map {
        .string(String($0.trimmingOWS()))
      })
  }
}
