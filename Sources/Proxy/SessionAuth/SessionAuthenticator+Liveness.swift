import Codecs
import Sessions

/// Whether a session a token names is alive (`[[jwt.issuer]] session_claim`): the token carries
/// the session hash — SHA-256 of the session id, 64 hex digits, the value whose first 16 digits
/// are `X-Session-Hash` and the admin API's session hash — and the user it belongs to (its user
/// claim). Looked up like a cookie's session, L1 first: a revocation (logout, admin, eviction,
/// expiry) drops the L1 entry and the store's key, so the token is refused from then on.
/// Loop-thread only.
extension SessionAuthenticator {
  enum Liveness: Equatable {
    case alive
    /// Unknown, ended, rotated away, another user's, or not a session hash at all.
    case gone
    case storeUnavailable
  }

  /// Answers now (a malformed hash, a revocation remembered here, an L1 hit, a memory store), or
  /// returns nil and calls `resume` once later on this loop (a Redis round trip).
  func liveness(sessionHash: String, user: String, resume: @escaping (Liveness) -> Void) -> Liveness? {
    guard sessionHash.utf8.count == 64, let digest = Hex.decode(Substring(sessionHash).utf8),
      let idHash = SessionIDHash(digest: digest)
    else { return .gone }
    let now = service.now()
    guard service.revokedTickets.check(idHash, now: now) == .clear else { return .gone }
    if cachePolicy().useCache, let record = service.cache.lookup(idHash, now: now) {
      return record.userID == user && service.policy.expiresAt(record) > now ? .alive : .gone
    }
    if storeIsUnavailable { return .storeUnavailable }
    // The store key is the user's tag and the hash: a token naming another user's session
    // (or a made-up user) finds nothing.
    let storeKey = SessionTicket.storeKey(userTag: service.keyRing.userTag(for: user), idHash: idHash)
    return Deferred.run(resume) { done in
      store.load(storeKey: storeKey, now: now) { result in
        switch result {
        case .failure: done(.storeUnavailable)
        case .success(.found(let stored)): done(stored.summary.expiresAt > now ? .alive : .gone)
        // A rotated-away id is not followed: the successor is opened only with the cookie.
        case .success(.forwarded), .success(.notFound): done(.gone)
        }
      }
    }
  }
}
