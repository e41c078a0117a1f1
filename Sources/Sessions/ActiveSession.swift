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
}
