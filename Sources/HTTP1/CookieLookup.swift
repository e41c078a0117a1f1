/// The result of looking a cookie up in a `Cookie` request field (`CookieHeader.lookup`).
/// Immutable.
public enum CookieLookup: Sendable, Equatable {
  /// No pair has the name.
  case absent
  /// Exactly one pair has the name; its value's byte range in the searched buffer (OWS trimmed,
  /// quotes kept: `"abc"` is returned with its DQUOTEs).
  case found(Range<Int>)
  /// The name appears more than once. Browsers send one pair per matching cookie (different paths
  /// or domains, or a cookie planted by a sibling subdomain — "cookie tossing"), and nothing in the
  /// header says which is ours, so callers treat this as "no usable cookie" rather than guess.
  case ambiguous
}
