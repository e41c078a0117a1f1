/// What only a request under `[session]` carries: the request as the authenticators saw it (the
/// session lifecycle needs the client's address and User-Agent again) and the session it runs
/// in. Kept out of line in one allocation, so a `RequestContext` stays small and cheap to start
/// afresh for every other request. Owned by one context (contexts are not copied on the request
/// path). Loop-thread only.
final class SessionRequestState {
  var authRequest: AuthRequest?
  var session: ActiveSession?
}
