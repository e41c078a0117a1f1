import Sessions

/// What only a request under `[session]` carries: the request as the authenticators saw it (the
/// session lifecycle needs the client's address and User-Agent again), the session it runs in,
/// and what login detection and the vault learnt about it. Kept out of line in one allocation, so a `RequestContext` stays small and cheap to start
/// afresh for every other request. Owned by one context (contexts are not copied on the request
/// path). Loop-thread only.
final class SessionRequestState {
  var authRequest: AuthRequest?
  var session: ActiveSession?
  /// `[session.detect]`'s view of the request (`LoginDetectPhase`, `LifecyclePhase`).
  var loginDetect: LoginDetectProgress = .none
  /// The vault's changes from the app's response (`VaultCapturePhase`).
  var vaultChanges: [VaultChange] = []
  /// The last request's copied fields' storage, reused by the next (`CopiedFields.spareStorage`).
  var spareFields: [UInt8] = []

  /// Empty again, for the connection's next request (`RequestContext.restart`).
  func reset() {
    if let fields = authRequest?.fields { spareFields = fields.spareStorage }
    authRequest = nil
    session = nil
    loginDetect = .none
    vaultChanges = []
  }
}
