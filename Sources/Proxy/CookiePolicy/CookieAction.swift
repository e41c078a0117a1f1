/// What the cookie policy did to a cookie: the `action` label of
/// `gatehouse_cookies_rewritten_total` (raw value: its index in `MetricLabels.cookieActions`).
enum CookieAction: UInt8 {
  /// An app `Set-Cookie` forwarded with attributes the policy changed.
  case rewritten
  /// An app `Set-Cookie` of a category the visitor did not consent to.
  case droppedNoConsent
  /// An app `Set-Cookie` the strict parser refused.
  case droppedUnparsable
  /// An app `Set-Cookie` no rule names, with `on_unknown = "strip"`.
  case droppedUnknown
  /// A browser cookie of an unconsented category, withheld from the app's `Cookie` header.
  case strippedRequest
}
