import HTTP1
import Sessions

/// Request phase 9, the request half of the vault (`[session] vault_cookies`, docs/vault.md): a
/// client's copy of a vaulted cookie is always removed from the `Cookie` header the app receives
/// (with a `vaulted_cookie_from_client` security event naming the cookie, never its value), and
/// the session's vaulted cookies that are still alive are added (`request.upstreamCookies`). A
/// request that carries no copy and has no vault edits nothing (no allocation).
/// Without `vault_cookies` it returns at once. Immutable.
struct VaultRequestPhase: RequestPhase {
  unowned(unsafe) let worker: Worker

  func run(_ request: inout RequestContext, _ view: RequestView) -> PhaseResult {
    // Tested before the binding: `guard let` copied the optional rules even when they were nil.
    guard request.runtime.vault != nil, let vault = request.runtime.vault, !vault.nameBytes.isEmpty else {
      return .proceed
    }
    let index = request.headers
    if index.firstCookie >= 0 {
      for position in index.firstCookie..<index.count where index.role(at: position) == .cookie {
        let field = view.head.fields[position].value(in: view.bytes)
        let cookies = UnsafeBufferPointer(
          start: field.baseAddress?.assumingMemoryBound(to: UInt8.self), count: field.count)
        for (offset, name) in vault.nameBytes.enumerated() {
          let found = name.withUnsafeBufferPointer { name -> Bool in
            if case .absent = CookieHeader.lookup(name: name, in: cookies) { return false }
            return true
          }
          guard found else { continue }
          request.upstreamCookies.remove(name: name)
          worker.sessionLifecycle?.service.metrics.vault.record(.strippedClient)
          worker.logSecurityEvent("vaulted_cookie_from_client", request: request, reason: vault.names[offset])
        }
      }
    }
    guard let session = request.session, !session.record.vault.isEmpty else { return .proceed }
    let now = worker.loop.clock.wallNanos()
    for cookie in session.record.vault where cookie.isAlive(now: now) {
      request.upstreamCookies.add(name: Array(cookie.name.utf8), value: Array(cookie.value.utf8))
    }
    return .proceed
  }
}
