import Config

extension GatehouseServer {
  /// `[assertion]`: loads (or generates) the signing keys and publishes their public halves on
  /// the admin listener's `/.well-known/jwks.json`. A generated key is logged as a warning:
  /// each replica would publish its own. Changing `[assertion]` needs a restart.
  func makeAssertionIssuer() throws(StartupError) -> AssertionIssuer? {
    guard let settings = config.assertion else { return nil }
    let issuer: AssertionIssuer
    do {
      issuer = try AssertionIssuer(settings: settings, upstream: config.upstream.address.description)
    } catch {
      throw StartupError(description: "assertion keys: \(error)")
    }
    if issuer.generatedKey {
      log.warning(
        "[assertion] has no keys: a \(settings.algorithm) key was generated for this process; replicas will publish different keys and a restart invalidates every assertion",
        metadata: ["event": "config"])
    }
    adminEndpoints.assertionKeys.withLock {
      $0 = (issuer.jwksBody, Int64(settings.jwksMaxAge.components.seconds))
    }
    return issuer
  }
}
