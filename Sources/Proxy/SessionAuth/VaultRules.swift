import Config
import HTTP1

/// `[session] vault_cookies` and `[session.detect]`, compiled once per (re)load (docs/vault.md).
/// Immutable.
struct VaultRules: Sendable {
  /// The vaulted cookie names, as configured.
  let names: [String]
  /// The same names as bytes (the request side compares them without allocating).
  let nameBytes: [[UInt8]]
  /// The same names, for matching the app's `Set-Cookie` lines the way a browser stores them.
  let nameSet: CookieNameSet
  let detect: LoginDetection?

  /// nil when neither the vault nor detection is configured.
  init?(_ session: SessionSettings) {
    guard !session.vaultCookies.isEmpty || session.detect != nil else { return nil }
    names = session.vaultCookies
    nameBytes = session.vaultCookies.map { Array($0.utf8) }
    nameSet = CookieNameSet(session.vaultCookies)
    detect = session.detect
  }
}
