public import Crypto

extension SessionRecord {
  /// Serialises and seals this record for `ticket`'s store key under `ticket`'s secret;
  /// `compact`: in the compact form (version 3), for a store only this release reads.
  public func sealed(for ticket: SessionTicket, compact: Bool = false) throws(SessionError) -> SealedRecord {
    try SealedRecord.seal(
      compact ? compactSerialized() : serialized(), secret: ticket.secret, storeKey: ticket.storeKey,
      purpose: .record)
  }

  /// Opens and parses a record loaded from `ticket`'s store key; `key`: the ticket's record key
  /// (`SealedRecord.key(secret: ticket.secret, purpose: .record)`) when the caller keeps it,
  /// else derived here; `workspace`: the calling worker's cipher context (nil makes one).
  public init(
    unsealing sealed: SealedRecord, for ticket: SessionTicket, key: [UInt8]? = nil,
    workspace: AESGCMWorkspace? = nil
  ) throws(SessionError) {
    if let key {
      try self.init(
        serialized: sealed.open(key: key, storeKey: ticket.storeKey, purpose: .record, workspace: workspace))
    } else {
      try self.init(
        serialized: sealed.open(secret: ticket.secret, storeKey: ticket.storeKey, purpose: .record))
    }
  }
}

extension SealedRecord {
  /// The forwarding record a rotation leaves under the OLD key: the new ticket's parts sealed under
  /// the old secret, so only a holder of the old cookie learns the new ticket (and then gets it in
  /// `Set-Cookie` again). The new ticket is re-signed with the current key ring when sent.
  public static func forwarding(to newTicket: SessionTicket, from oldTicket: SessionTicket)
    throws(SessionError) -> SealedRecord
  {
    try seal(
      newTicket.userTag + newTicket.id + newTicket.secret, secret: oldTicket.secret,
      storeKey: oldTicket.storeKey,
      purpose: .forward)
  }

  /// Opens a forwarding record found under `oldTicket`'s store key.
  public func openForwarding(with oldTicket: SessionTicket) throws(SessionError) -> SessionTicket {
    let plain = try open(secret: oldTicket.secret, storeKey: oldTicket.storeKey, purpose: .forward)
    let tagEnd = SessionTicket.userTagByteCount
    let idEnd = tagEnd + SessionTicket.idByteCount
    guard plain.count == idEnd + SessionTicket.secretByteCount else {
      throw SessionError(.malformedRecord, "forwarding record of \(plain.count) bytes")
    }
    return SessionTicket(
      userTag: Array(plain[0..<tagEnd]), id: Array(plain[tagEnd..<idEnd]), secret: Array(plain[idEnd...]))
  }
}
