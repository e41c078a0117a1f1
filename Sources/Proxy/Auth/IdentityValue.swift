/// The rule for the value Gatehouse puts in `X-User-Id` (a JWT's user claim, the user id of a
/// `Gatehouse-Login`): besides being a safe header value (`HeaderValue`), it must read as one
/// value to every app. A `,` would make `X-User-Id: alice, admin` look like a list (an app that
/// joins or splits repeated headers could take `admin`), and surrounding whitespace is trimmed by
/// some readers and not others. Such identities are refused, not rewritten (docs/security.md,
/// "Identity headers"). Stateless.
enum IdentityValue {
  static let maxBytes = 256

  static func isSafe(_ value: String) -> Bool {
    guard HeaderValue.isSafe(value), value.utf8.count <= maxBytes else { return false }
    guard let first = value.utf8.first, let last = value.utf8.last,
      first != 0x20, first != 0x09, last != 0x20, last != 0x09
    else { return false }
    return !value.utf8.contains(UInt8(ascii: ","))
  }
}
