/// Where `AuthenticatePhase` stands for the current request.
enum AuthenticationProgress {
  case notStarted
  /// Waiting for this many form-body bytes (a CSRF token that can be nowhere else).
  case waitingForBody(Int)
  /// The authenticator will answer later.
  case waiting
  indirect case answered(AuthOutcome)
  case done
}
