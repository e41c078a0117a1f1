import Crypto
import Synchronization

/// A bounded cache of tokens that passed validation, so a client repeating its token pays for
/// RSA once. Thread-safe: one `Synchronization.Mutex` around all state; every operation is O(1)
/// (a dictionary probe plus, on insert, an amortised constant CLOCK sweep), so the lock is held
/// for well under a microsecond and contention stays low even with one cache shared by every
/// loop thread.
///
/// An entry never outlives the token's `exp` (a lookup at `now > exp` misses and frees it) nor the
/// key set it was verified with (a lookup with another generation misses and frees it — after a
/// refresh that removed a key, its tokens must be verified again). Eviction is CLOCK (second
/// chance): a hit sets the entry's reference bit; the hand clears bits until it finds an
/// unreferenced entry. Keyed by `TokenHash` (SHA-256 of the signing input, `TokenDigests`), with
/// the bytes the hash does not cover — the signature — held and compared in full and in
/// constant time: a lookup answers only for the very token that verified, and a wrong signature
/// on a cached signing input is a miss that leaves the entry in place. No claim text is held
/// as token bytes; the signature alone is.
public final class VerifiedTokenCache: Sendable {
  private struct Entry {
    var hash: TokenHash
    /// The token's bytes after its signing input (`TokenDigests.unhashed`).
    var signature: [UInt8]
    var token: VerifiedToken
    var generation: UInt64
    var referenced: Bool
  }

  private struct State {
    var slots: [Entry?]
    var index: [TokenHash: Int]
    var free: [Int]
    var hand = 0

    mutating func remove(slot: Int) {
      guard let entry = slots[slot] else { return }
      index[entry.hash] = nil
      slots[slot] = nil
      free.append(slot)
    }
  }

  public let capacity: Int
  private let state: Mutex<State>

  public init(capacity: Int = 10_000) {
    precondition(capacity > 0)
    self.capacity = capacity
    var index: [TokenHash: Int] = [:]
    index.reserveCapacity(capacity)
    self.state = Mutex(
      State(
        slots: Array(repeating: nil, count: capacity), index: index, free: Array((0..<capacity).reversed())))
  }

  /// The verified token for `tokenHash` and exactly these `signature` bytes, if cached for this
  /// key-set `generation` and `now <= exp`. Other signature bytes miss without evicting it.
  public func lookup(
    tokenHash: TokenHash, signature: UnsafeBufferPointer<UInt8>, now: Int64, generation: UInt64
  ) -> VerifiedToken? {
    state.withLock { state in
      guard let slot = state.index[tokenHash], let entry = state.slots[slot],
        entry.signature.withUnsafeBufferPointer({ ConstantTime.equals($0, signature) })
      else { return nil }
      guard entry.generation == generation, now <= entry.token.expiresAt else {
        state.remove(slot: slot)
        return nil
      }
      if !entry.referenced { state.slots[slot]!.referenced = true }
      return entry.token
    }
  }

  /// Caches `token` (whose bytes after the signing input are `signature`), verified against
  /// key-set `generation`. Already expired tokens are not stored. A token with the same signing
  /// input replaces the entry (an ES256 signature is not unique; both verified).
  public func insert(
    tokenHash: TokenHash, signature: UnsafeBufferPointer<UInt8>, token: VerifiedToken, generation: UInt64,
    now: Int64
  ) {
    guard now <= token.expiresAt else { return }
    let signature = Array(signature)
    state.withLock { state in
      if let slot = state.index[tokenHash] {
        state.slots[slot] = Entry(
          hash: tokenHash, signature: signature, token: token, generation: generation, referenced: true)
        return
      }
      let slot: Int
      if let freeSlot = state.free.popLast() {
        slot = freeSlot
      } else {
        // CLOCK: give referenced entries a second chance. Terminates within two turns.
        while state.slots[state.hand]!.referenced {
          state.slots[state.hand]!.referenced = false
          state.hand = (state.hand + 1) % state.slots.count
        }
        slot = state.hand
        state.hand = (state.hand + 1) % state.slots.count
        state.remove(slot: slot)
        _ = state.free.popLast()
      }
      // New entries start unreferenced: a token seen once is the first to go.
      state.slots[slot] = Entry(
        hash: tokenHash, signature: signature, token: token, generation: generation, referenced: false)
      state.index[tokenHash] = slot
    }
  }

  /// Number of cached entries (including ones that would miss on their next lookup).
  public var count: Int { state.withLock { $0.index.count } }

  /// Drops everything (after a settings change).
  public func removeAll() {
    state.withLock { state in
      state.slots = Array(repeating: nil, count: state.slots.count)
      state.index.removeAll(keepingCapacity: true)
      state.free = Array((0..<state.slots.count).reversed())
      state.hand = 0
    }
  }
}
