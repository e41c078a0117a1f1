import Config

extension Worker {
  /// The authenticator for a policy, or nil when this build cannot enforce it.
  func authenticator(for policy: AuthPolicy) -> (any RequestAuthenticator)? {
    authenticators[policy]
  }
}
