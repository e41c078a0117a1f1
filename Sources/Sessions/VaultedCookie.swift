/// One of the app's own cookies kept in the sealed session record instead of the browser
/// (`[session] vault_cookies`): Gatehouse adds it to the `Cookie` header of every later request
/// of the session and never shows it to the client (docs/vault.md). Immutable value.
public struct VaultedCookie: Sendable, Equatable {
  public var name: String
  public var value: String
  /// Wall-clock ns after which the app's cookie is gone (from `Max-Age`/`Expires`); nil for a
  /// cookie without either, which lives as long as the session.
  public var expires: Int64?

  public init(name: String, value: String, expires: Int64? = nil) {
    self.name = name
    self.value = value
    self.expires = expires
  }

  /// Whether the app's cookie still exists at `now`.
  public func isAlive(now: Int64) -> Bool { expires.map { now < $0 } ?? true }
}

extension [VaultedCookie] {
  /// The vault after the app set (`value` non-nil, alive) or removed (nil) `name`. Kept sorted
  /// by name so equal vaults serialise equally; at most one entry per name.
  public func setting(_ cookie: VaultedCookie?, removing name: String) -> [VaultedCookie] {
    var copy = filter { $0.name != name }
    if let cookie {
      copy.append(cookie)
      copy.sort { $0.name < $1.name }
    }
    return copy
  }
}
