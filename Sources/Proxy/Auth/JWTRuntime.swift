import Config
import JWT

/// Everything the per-worker `JWTAuthenticator`s share: the issuers' states (through the
/// fetcher), the verified-token cache, the cookie name and the counters. Thread-safe: immutable
/// fields over thread-safe objects.
final class JWTRuntime: Sendable {
  let fetcher: JWKSFetcher
  let cache: VerifiedTokenCache
  let tokenCookie: [UInt8]?
  /// Exact `iss` → state.
  let byIssuer: [String: JWTIssuerState]
  /// The largest `max_token_bytes` of any issuer: longer tokens are refused before `iss` is read.
  let maxTokenBytes: Int

  init(settings: JWTSettings, fetcher: JWKSFetcher) {
    self.fetcher = fetcher
    self.cache = VerifiedTokenCache(capacity: settings.cacheSize)
    self.tokenCookie = settings.tokenCookie.isEmpty ? nil : Array(settings.tokenCookie.utf8)
    var byIssuer: [String: JWTIssuerState] = [:]
    for state in fetcher.issuers { byIssuer[state.name] = state }
    self.byIssuer = byIssuer
    self.maxTokenBytes = fetcher.issuers.map(\.config.maxTokenBytes).max() ?? 8192
  }

  var counters: JWTCounters { fetcher.counters }
}
