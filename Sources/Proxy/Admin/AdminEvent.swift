/// An operator's action on the admin listener (a dashboard sign-in, a revocation), written as a
/// security event naming the operator's token id — never the token. Immutable.
public struct AdminEvent: Sendable, Equatable {
  /// `admin_sign_in`, `admin_sign_in_refused`, `admin_sign_out`, `admin_sessions_revoked`.
  let kind: String
  /// `AdminCaller.tokenID`: which token acted ("none" on an open listener).
  let tokenID: String
  /// `AdminCaller.via`: `open`, `token` or `dashboard`.
  let via: String
  /// Further facts (user hash, session hash, count, result), in order.
  let fields: [Field]

  struct Field: Sendable, Equatable {
    let name: String
    let value: String
  }

  init(kind: String, caller: AdminCaller, fields: [(String, String)] = []) {
    self.init(kind: kind, tokenID: caller.tokenID, via: caller.via, fields: fields)
  }

  init(kind: String, tokenID: String, via: String, fields: [(String, String)] = []) {
    self.kind = kind
    self.tokenID = tokenID
    self.via = via
    self.fields = fields.map { Field(name: $0.0, value: $0.1) }
  }

  func field(_ name: String) -> String? { fields.first { $0.name == name }?.value }
}
