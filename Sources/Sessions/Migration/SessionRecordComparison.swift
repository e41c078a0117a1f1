/// Compares the two stores' answers to one read (docs/migration.md §2). Records are sealed under
/// the session's own secret, so the fields that matter — user, deadlines, generation — are read
/// after unsealing both copies with the ticket; identical sealed bytes need no unsealing. Without
/// a ticket (admin paths) differing sealed bytes count as `.record`.
///
/// Deadlines: the absolute deadline must match exactly; the stores' expiry instants
/// (`SessionSummary.expiresAt`, moved by touches) may differ by up to `deadlineTolerance`, since
/// a Redis store throttles touches and a touch mirrored in the background may land a moment
/// later. Pure, stateless.
public enum SessionRecordComparison {
  public static let deadlineTolerance: Int64 = 2_000_000_000

  /// The fields in which `secondary` differs from `primary`; empty when they agree.
  public static func mismatches(
    _ primary: LoadOutcome, _ secondary: LoadOutcome, ticket: SessionTicket?
  ) -> [MigrationMismatchField] {
    switch (primary, secondary) {
    case (.notFound, .notFound):
      return []
    case (.notFound, _), (_, .notFound):
      return [.presence]
    case (.forwarded(let a, _), .forwarded(let b, _)):
      return a == b ? [] : [.successor]
    case (.found, .forwarded), (.forwarded, .found):
      return [.kind]
    case (.found(let a), .found(let b)):
      return sessions(a, b, ticket: ticket)
    }
  }

  static func sessions(_ a: StoredSession, _ b: StoredSession, ticket: SessionTicket?)
    -> [MigrationMismatchField]
  {
    var fields: [MigrationMismatchField] = []
    if a.sealed != b.sealed {
      guard let ticket else { return [.record] }
      guard let first = try? SessionRecord(unsealing: a.sealed, for: ticket),
        let second = try? SessionRecord(unsealing: b.sealed, for: ticket)
      else { return [.record] }
      if first.userID != second.userID { fields.append(.user) }
      if first.absoluteDeadline != second.absoluteDeadline { fields.append(.deadline) }
      if first.generation != second.generation { fields.append(.generation) }
    }
    if !fields.contains(.deadline) && distance(a.summary.expiresAt, b.summary.expiresAt) > deadlineTolerance {
      fields.append(.deadline)
    }
    return fields
  }

  private static func distance(_ a: Int64, _ b: Int64) -> Int64 {
    let (difference, overflow) = a.subtractingReportingOverflow(b)
    if overflow { return Int64.max }
    return difference == Int64.min ? Int64.max : abs(difference)
  }
}
