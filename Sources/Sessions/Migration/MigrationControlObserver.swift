/// Told about every change a `MigrationControl` makes (a new setting, a step back), after it is
/// in force. Logging, metrics and publishing to the fleet key live in Proxy. Called on the thread
/// that caused the change (a loop thread for a step back, the admin or main thread otherwise),
/// outside the control's lock; implementations are thread-safe and never block.
public protocol MigrationControlObserver: Sendable {
  func migrationChanged(_ action: MigrationStateMachine.Action)
}
