import HTTP1
import Sessions

/// What the app's response did to one vaulted cookie (`VaultCapturePhase`); the session
/// lifecycle folds the changes into the session record (docs/vault.md). Immutable value.
enum VaultChange: Equatable {
  /// The app set the cookie (a new value, or the same one again).
  case set(VaultedCookie)
  /// The app deleted it (`Max-Age` ≤ 0, an `Expires` in the past).
  case remove(String)

  /// The change a `Set-Cookie` the app sent makes at wall time `now` (ns).
  init(_ cookie: ParsedSetCookie, now: Int64) {
    let nanos: Int64 = 1_000_000_000
    var expires: Int64?
    if let maxAge = cookie.maxAge {
      expires = maxAge <= 0 ? now : now &+ min(maxAge, Int64.max / nanos / 2) &* nanos
    } else if let at = cookie.expires {
      expires = at.multipliedReportingOverflow(by: nanos).overflow ? (at < 0 ? now : .max) : at * nanos
    }
    if let expires, expires <= now {
      self = .remove(cookie.name)
    } else {
      self = .set(VaultedCookie(name: cookie.name, value: cookie.value, expires: expires))
    }
  }

  /// `vault` after `changes`, in order.
  static func applying(_ changes: [VaultChange], to vault: [VaultedCookie]) -> [VaultedCookie] {
    var result = vault
    for change in changes {
      switch change {
      case .set(let cookie): result = result.setting(cookie, removing: cookie.name)
      case .remove(let name): result = result.setting(nil, removing: name)
      }
    }
    return result
  }
}
