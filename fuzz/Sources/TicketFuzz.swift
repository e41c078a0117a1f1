import Sessions

/// Session tickets under a fixed key ring: arbitrary cookie values decode only if they are the
/// canonical encoding of a ticket (so re-encoding gives them back), and a ticket built from the
/// input survives encode → decode while no single-character change of its encoding is accepted.
enum TicketFuzz {
  static let keyRing: TicketKeyRing = {
    do {
      return try TicketKeyRing(keys: [Array(repeating: 0x42, count: 32), Array(repeating: 0x17, count: 32)])
    } catch {
      FuzzCheck.fail("fixed key ring refused: \(error)")
    }
  }()

  static func run(_ data: UnsafeRawBufferPointer) {
    let bytes = data.bindMemory(to: UInt8.self)
    if let ticket = try? SessionTicket.decode(bytes, keyRing: keyRing) {
      FuzzCheck.require(
        Array(ticket.encode(keyRing: keyRing).utf8) == Array(bytes), "decoded a non-canonical value")
    }
    guard data.count >= 57 else { return }
    let ticket = SessionTicket(
      userTag: Array(data[0..<8]), id: Array(data[8..<24]), secret: Array(data[24..<56]))
    var encoded = Array(ticket.encode(keyRing: keyRing).utf8)
    let decoded = try? encoded.withUnsafeBufferPointer { try SessionTicket.decode($0, keyRing: keyRing) }
    FuzzCheck.require(decoded == ticket, "a signed ticket did not decode to itself")
    let position = Int(data[56]) % encoded.count
    let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
    let replacement = alphabet[
      (Int(data.last ?? 0) + 1 + (alphabet.firstIndex(of: encoded[position]) ?? 0)) % 64]
    guard replacement != encoded[position] else { return }
    encoded[position] = replacement
    let forged = try? encoded.withUnsafeBufferPointer { try SessionTicket.decode($0, keyRing: keyRing) }
    FuzzCheck.require(forged == nil, "a ticket with a changed character was accepted")
  }
}
