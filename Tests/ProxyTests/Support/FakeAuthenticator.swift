@testable import Proxy

/// An authenticator that answers at once with `outcome`, or — with `outcome` nil — keeps the
/// resume callback for the test to answer later (as a key fetch or a store round trip would).
final class FakeAuthenticator: RequestAuthenticator {
  var outcome: AuthOutcome?
  /// Every request it was asked about.
  private(set) var requests: [AuthRequest] = []
  private var pending: [(AuthOutcome) -> Void] = []

  init(_ outcome: AuthOutcome? = nil) { self.outcome = outcome }

  var waiting: Int { pending.count }

  func authenticate(_ request: AuthRequest, resume: @escaping (AuthOutcome) -> Void) -> AuthOutcome? {
    requests.append(request)
    if let outcome { return outcome }
    pending.append(resume)
    return nil
  }

  /// Answers the oldest waiting request.
  func answer(_ outcome: AuthOutcome) {
    pending.removeFirst()(outcome)
  }

  static let allow = AuthOutcome.allow(
    AuthGrant(identityHeaders: [("X-User-Id", "alice")], method: "jwt", principalHash: "p:1"))
  static let deny = AuthOutcome.deny(
    ProxyError(.unauthorized, .downstream, "jwt missing_token"), headers: [("WWW-Authenticate", "Bearer")])
}
