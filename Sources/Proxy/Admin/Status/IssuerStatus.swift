/// One JWT issuer as the dashboard shows it. Immutable.
struct IssuerStatus: Equatable, Sendable {
  var name: String
  /// Usable keys in the current key set.
  var keys: Int
  /// Whether requests can be verified now (keys loaded and not older than `max_stale`).
  var usable: Bool
  /// Seconds since the last successful fetch, nil before one.
  var keySetAgeSeconds: Double?
  /// `ok`, `pending` (no fetch finished yet) or `failed: <reason>` of the last fetch.
  var lastFetch: String
  /// Seconds until the next scheduled fetch (0 while one runs).
  var nextRefreshSeconds: Double
}
