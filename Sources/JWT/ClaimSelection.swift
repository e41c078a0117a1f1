/// Which payload claims a `VerifiedToken` keeps in `claims`. Immutable, Sendable.
///
/// Decoding every claim into a `[String: JSONValue]` is most of the parsing cost of a token;
/// a caller that reads only a few claims (the proxy: its user claim and claim headers) names
/// them and the validator decodes only those. Validation itself (`iss`, `aud`, `exp`, `nbf`,
/// `iat`, `sub`, required claims) is the same whatever the selection.
public enum ClaimSelection: Sendable, Equatable {
  /// Every claim of the payload.
  case all
  /// Only these claims (those present in the token).
  case only([String])
}
