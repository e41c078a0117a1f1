import HTTP1

/// Response phase 3: the app may not set a cookie Gatehouse owns (the session cookie, the CSRF
/// cookie, any later feature's: `HardeningRules.ownedCookies`). Each such `Set-Cookie` line is
/// left out of the client's response (`request.droppedResponseFields`, honoured by
/// `ResponseRewritePhase`) with an `owned_cookie_from_app` security event: otherwise a
/// header-injection bug in the app plants a session or a CSRF cookie (docs/security.md, "Cookies
/// Gatehouse owns"). The lifecycle phase's own cookies are added later and never filtered.
/// Immutable.
struct OwnedCookiePhase: ResponsePhase {
  unowned(unsafe) let worker: Worker

  func run(_ request: inout RequestContext, _ view: ResponseView) -> PhaseResult {
    // `VaultCapturePhase`, the first response phase, started this head's list afresh.
    let rules = request.runtime.hardening
    guard rules.hasOwnedCookies, view.kind != .switchingProtocols else { return .proceed }
    let owned = rules.ownedCookies
    let fields = view.head.fields
    for position in 0..<fields.count {
      let name = fields[position].name(in: view.bytes)
      guard name.count == 10, FieldName.equals(name, "set-cookie"),
        owned.containsCookie(setBy: fields[position].value(in: view.bytes))
      else { continue }
      request.droppedResponseFields.append(position)
      worker.logSecurityEvent("owned_cookie_from_app", request: request)
    }
    return .proceed
  }
}
