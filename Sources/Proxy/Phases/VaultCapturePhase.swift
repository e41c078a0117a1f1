import HTTP1
import Sessions

/// Response phase 1, the capture half of the vault (`[session] vault_cookies`, docs/vault.md):
/// every `Set-Cookie` of a vaulted name is left out of the client's response
/// (`request.droppedResponseFields`) and, when it parses strictly, kept as a `VaultChange` in
/// `request.vaultChanges`; the lifecycle phase after it writes the changes into the session
/// record (a login's new record, or the current session's). So the app's own session cookie
/// never reaches the browser. Runs before the lifecycle and cookie-policy phases. Also starts
/// the head's list of dropped fields afresh (positions are per head: an interim head's must not
/// apply to the final one). Immutable.
struct VaultCapturePhase: ResponsePhase {
  unowned(unsafe) let worker: Worker

  func run(_ request: inout RequestContext, _ view: ResponseView) -> PhaseResult {
    if !request.droppedResponseFields.isEmpty {
      request.droppedResponseFields.removeAll(keepingCapacity: true)
    }
    // Tested before the binding: `guard let` copied the optional rules even when they were nil.
    guard view.kind == .final, request.runtime.vault != nil, let vault = request.runtime.vault,
      !vault.nameSet.isEmpty
    else {
      return .proceed
    }
    let fields = view.head.fields
    for position in 0..<fields.count {
      let name = fields[position].name(in: view.bytes)
      let value = fields[position].value(in: view.bytes)
      guard name.count == 10, FieldName.equals(name, "set-cookie"), vault.nameSet.containsCookie(setBy: value)
      else { continue }
      request.droppedResponseFields.append(position)
      guard let parsed = try? SetCookieParser.parse(Array(value)[...]) else {
        worker.sessionLifecycle?.service.metrics.vault.record(.droppedUnparsable)
        worker.logSecurityEvent("unparsable_vaulted_cookie_from_app", request: request)
        continue
      }
      request.vaultChanges.append(VaultChange(parsed, now: worker.loop.clock.wallNanos()))
    }
    return .proceed
  }
}
