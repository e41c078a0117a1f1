import Crypto

/// One worker's answers to bearer tokens it granted lately, in front of the process-wide
/// `VerifiedTokenCache`: a repeated token costs a keyed hash of its last bytes and a word-wise
/// constant-time comparison of all of them, not a SHA-256 of the whole token, a locked
/// dictionary probe and the rendering of its identity headers (docs/performance.md, "Repeated
/// bearer tokens").
///
/// An entry holds the token bytes, the grant rendered for it, the issuer and the key-set
/// generation it verified under, and the token's `exp`. It answers only while the issuer's
/// current key set has that generation (a refresh that changed the keys makes every token verify
/// again) and `now <= exp` (whole seconds, as the shared cache). Direct-mapped (a newer token
/// replaces an older one in its slot); the keyed hash is seeded per process from the CSPRNG, so
/// a client cannot aim tokens at one slot. A reload builds new authenticators, so a settings
/// change never meets an old entry. Loop-thread only (one per `JWTAuthenticator`).
final class RepeatedTokenCache {
  /// Immutable; a slot holds a reference, so a hit copies one pointer, not the entry.
  final class Entry {
    let token: [UInt8]
    let hash: UInt64
    let issuer: JWTIssuerState
    let generation: UInt64
    let expiresAt: Int64
    /// `.allow(grant)`, made once: a hit hands out this value (one copy of the grant, not two).
    let outcome: AuthOutcome

    init(
      token: [UInt8], hash: UInt64, issuer: JWTIssuerState, generation: UInt64, expiresAt: Int64,
      grant: AuthGrant
    ) {
      self.token = token
      self.hash = hash
      self.issuer = issuer
      self.generation = generation
      self.expiresAt = expiresAt
      self.outcome = .allow(grant)
    }
  }

  /// The slot is picked from this many trailing bytes: a JWS ends in its signature (342
  /// base64url characters for RS256, 86 for ES256 and EdDSA), bytes nobody but the issuer
  /// chooses, so they spread tokens as well as the whole token would at a tenth of the hashing.
  /// Equality is still decided over every byte.
  static let hashedTail = 64

  let capacity: Int
  private var slots: [Entry?] = []
  private let hasher = KeyedByteHash()

  /// `capacity` is rounded up to a power of two; nothing is allocated before the first insert.
  init(capacity: Int = 1024) {
    precondition(capacity > 0)
    var size = 1
    while size < capacity { size <<= 1 }
    self.capacity = size
  }

  /// The entry for exactly these token bytes, if one is held (the caller checks its issuer's
  /// generation and the expiry).
  func lookup(_ token: UnsafeBufferPointer<UInt8>) -> Entry? {
    guard !slots.isEmpty else { return nil }
    let hash = slotHash(token)
    guard let entry = slots[Int(truncatingIfNeeded: hash) & (capacity &- 1)], entry.hash == hash,
      entry.token.withUnsafeBufferPointer({ ConstantTime.equals($0, token) })
    else { return nil }
    return entry
  }

  /// Remembers the grant for `token`, verified under `generation` of `issuer`'s keys.
  func insert(
    _ token: UnsafeBufferPointer<UInt8>, issuer: JWTIssuerState, generation: UInt64, expiresAt: Int64,
    grant: AuthGrant
  ) {
    if slots.isEmpty { slots = Array(repeating: nil, count: capacity) }
    let hash = slotHash(token)
    slots[Int(truncatingIfNeeded: hash) & (capacity &- 1)] = Entry(
      token: Array(token), hash: hash, issuer: issuer, generation: generation, expiresAt: expiresAt,
      grant: grant)
  }

  /// Drops `entry` (its key set changed or it expired), unless a newer one took its slot.
  func remove(_ entry: Entry) {
    let slot = Int(truncatingIfNeeded: entry.hash) & (capacity &- 1)
    if slots[slot] === entry { slots[slot] = nil }
  }

  private func slotHash(_ token: UnsafeBufferPointer<UInt8>) -> UInt64 {
    let tail = token.count > Self.hashedTail ? token.count &- Self.hashedTail : 0
    return hasher.hash(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(token)[tail...]))
  }
}
