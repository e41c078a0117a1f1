/// What differed between the two stores' answers to one read (metric label `field`;
/// `SessionRecordComparison`).
public enum MigrationMismatchField: String, Sendable, Equatable, CaseIterable {
  /// One store has the session, the other does not.
  case presence
  /// One store has a live session, the other a forwarding record (rotated away).
  case kind
  /// Both forward, to different successors.
  case successor
  /// The records name different users.
  case user
  /// Absolute deadlines differ, or the stores' expiry instants differ by more than the tolerance.
  case deadline
  /// Different generations (one store missed a rotation or an elevation).
  case generation
  /// A record that does not open or parse in one store, or (compared without the ticket) sealed
  /// bytes that differ.
  case record
}
