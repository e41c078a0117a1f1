public import Sessions

/// The session a request runs in (after validation, rotation included): what the response phase
/// needs to log out, elevate or replace it. Immutable.
public struct ActiveSession: Sendable {
  public let ticket: SessionTicket
  public let record: SessionRecord

  public init(ticket: SessionTicket, record: SessionRecord) {
    self.ticket = ticket
    self.record = record
  }
}
