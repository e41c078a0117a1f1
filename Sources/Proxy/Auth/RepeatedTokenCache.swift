import Crypto

/// One worker's answers to bearer tokens it granted lately, in front of the process-wide
/// `VerifiedTokenCache`: a repeated token costs a keyed hash and a constant-time comparison of
/// its bytes, not a SHA-256 of the whole token, a locked dictionary probe and the rendering of
/// its identity headers (docs/performance.md, "Repeated bearer tokens").
///
/// An entry holds the token bytes, the grant rendered for it, the issuer and the key-set
/// generation it verified under, and the token's `exp`. It answers only while the issuer's
/// current key set has that generation (a refresh that changed the keys makes every token verify
/// again) and `now <= exp` (whole seconds, as the shared cache). Direct-mapped (a newer token
/// replaces an older one in its slot); the keyed hash is seeded per process from the CSPRNG, so
/// a client cannot aim tokens at one slot. A reload builds new authenticators, so a settings
/// change never meets an old entry. Loop-thread only (one per `JWTAuthenticator`).
final class RepeatedTokenCache {
  struct Entry {
    let token: [UInt8]
    let hash: UInt64
    /// Index of the issuer in `JWKSFetcher.issuers`.
    let issuer: Int
    let generation: UInt64
    let expiresAt: Int64
    let grant: AuthGrant
  }

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
  /// generation and the expiry: `isValid`).
  func lookup(_ token: UnsafeBufferPointer<UInt8>) -> Entry? {
    guard !slots.isEmpty else { return nil }
    let hash = hasher.hash(UnsafeRawBufferPointer(token))
    let slot = Int(truncatingIfNeeded: hash) & (capacity - 1)
    guard let entry = slots[slot], entry.hash == hash, entry.token.count == token.count,
      entry.token.withUnsafeBufferPointer({ ConstantTime.equals($0, token) })
    else { return nil }
    return entry
  }

  /// Remembers the grant for `token`, verified under `generation` of issuer `issuer`.
  func insert(
    _ token: UnsafeBufferPointer<UInt8>, issuer: Int, generation: UInt64, expiresAt: Int64, grant: AuthGrant
  ) {
    if slots.isEmpty { slots = Array(repeating: nil, count: capacity) }
    let hash = hasher.hash(UnsafeRawBufferPointer(token))
    slots[Int(truncatingIfNeeded: hash) & (capacity - 1)] = Entry(
      token: Array(token), hash: hash, issuer: issuer, generation: generation, expiresAt: expiresAt,
      grant: grant)
  }

  /// Drops the entry for these bytes (its key set changed or it expired).
  func remove(_ token: UnsafeBufferPointer<UInt8>) {
    guard !slots.isEmpty else { return }
    let hash = hasher.hash(UnsafeRawBufferPointer(token))
    let slot = Int(truncatingIfNeeded: hash) & (capacity - 1)
    if slots[slot]?.hash == hash { slots[slot] = nil }
  }
}
