import Config

/// Request phase, before routing: with `[assertion] public_jwks_path`, that exact path on the
/// public listener answers the assertion's key set itself — the JSON the admin listener serves
/// at `/.well-known/jwks.json`, with `Cache-Control: public, max-age=<jwks_max_age>` — so a
/// service that cannot reach the admin port can still verify assertions (README, "Passing
/// identity on"). `GET` and `HEAD` only (405 otherwise); no route, no authentication: public
/// keys are public. Any other path passes untouched. Immutable.
struct PublicJWKSPhase: RequestPhase {
  unowned(unsafe) let worker: Worker

  func run(_ request: inout RequestContext, _ view: RequestView) -> PhaseResult {
    guard let issuer = worker.assertionIssuer, let path = issuer.publicJWKSPath,
      path.withUnsafeBytes({ $0.elementsEqual(view.path) })
    else { return .proceed }
    switch view.head.method {
    case .get, .head:
      return .reply(LocalReply(status: 200, body: issuer.jwksText, cacheControl: issuer.jwksCacheControl))
    default:
      return .reply(
        LocalReply(
          status: 405, body: "{\"error\":\"method_not_allowed\"}\n", headers: [("allow", "GET, HEAD")]))
    }
  }
}
