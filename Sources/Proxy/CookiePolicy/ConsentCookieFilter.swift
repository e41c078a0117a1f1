import Config

/// Removes from the app's `Cookie` header the cookies whose category the visitor has not
/// consented to (`UpstreamCookieEdit.filter(with:)`). Matches the rules' patterns on the bytes:
/// no allocation per cookie. Immutable.
struct ConsentCookieFilter: CookieNameFilter {
  let policy: CookiePolicy
  let consent: CookieCategories

  func removes(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
    guard let category = policy.category(of: UnsafeRawBufferPointer(name)) else { return false }
    return !consent.contains(CookieCategories(category))
  }
}

extension CookiePolicy {
  /// The category of a cookie name as the client sent it (nil: no rule names it and unknown
  /// cookies are not essential), without building a `String`.
  func category(of name: UnsafeRawBufferPointer) -> CookiePolicySettings.Category? {
    for rule in settings.rules where rule.pattern.matches(name) { return rule.category }
    return settings.onUnknown == .essential ? .essential : nil
  }
}
