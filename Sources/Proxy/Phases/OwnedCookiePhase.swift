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
    // `VaultCapturePhase`, the first response phase, started this head's list afresh. The rules
    // and the head are read where they are: local copies retained and released their arrays
    // (docs/performance.md, "The shared pipeline, round 7").
    guard request.runtime.hardening.hasOwnedCookies, view.kind != .switchingProtocols else { return .proceed }
    for position in 0..<view.head.fields.count {
      let name = view.head.fields[position].name(in: view.bytes)
      guard name.count == 10, FieldName.equals(name, "set-cookie"),
        request.runtime.hardening.ownedCookies.containsCookie(
          setBy: view.head.fields[position].value(in: view.bytes))
      else { continue }
      request.droppedResponseFields.append(position)
      worker.logSecurityEvent("owned_cookie_from_app", request: request)
    }
    return .proceed
  }
}
