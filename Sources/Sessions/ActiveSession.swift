/// The session a request runs in (after validation, rotation included): what the response phase
/// needs to log out, elevate or replace it. A class so that handing it from the authenticator
/// through the grant to the request's context costs one reference count, not one per field of
/// the ticket and the record; an L1 hit hands out the one its verified-ticket entry keeps for
/// the record's bytes (`VerifiedTicketCache.Entry.session(cacheForm:)`). Immutable.
public final class ActiveSession: Sendable {
  public let ticket: SessionTicket
  public let record: SessionRecord

  public init(ticket: SessionTicket, record: SessionRecord) {
    self.ticket = ticket
    self.record = record
  }

  /// `body` with the ticket and the record borrowed where this object holds them: binding
  /// `session.record` to a local or passing it on copies the struct (a retain per array, string
  /// and dictionary inside, released again after), which an L1 hit paid on every request
  /// (docs/performance.md, "Session L1 hit, round 6").
  @inlinable
  public func withParts<R>(_ body: (borrowing SessionTicket, borrowing SessionRecord) throws -> R) rethrows
    -> R
  {
    try body(ticket, record)
  }
}
