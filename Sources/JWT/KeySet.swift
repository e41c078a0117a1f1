import Synchronization

/// The keys one issuer currently signs with, indexed by `kid`, plus a generation number.
/// Immutable (a refresh builds a new `KeySet`), thread-safe to share.
///
/// `generation` is unique across the whole process (one atomic counter), not just per issuer, so
/// a verified-token cache shared by several issuers can never confuse two sets.
public final class KeySet: Sendable {
  public let keys: [JWK]
  public let generation: UInt64
  private let byKid: [String: JWK]

  private static let generations = Atomic<UInt64>(0)

  /// A new set with a fresh generation. Later keys with an already seen `kid` are dropped
  /// (`JWKSet.parse` has already skipped them with a reason).
  public init(keys: [JWK]) {
    var byKid: [String: JWK] = [:]
    var kept: [JWK] = []
    for key in keys {
      if let kid = key.kid {
        if byKid[kid] != nil { continue }
        byKid[kid] = key
      }
      kept.append(key)
    }
    self.keys = kept
    self.byKid = byKid
    self.generation = KeySet.generations.wrappingAdd(1, ordering: .relaxed).newValue
  }

  public convenience init(_ set: JWKSet) { self.init(keys: set.keys) }

  public var isEmpty: Bool { keys.isEmpty }
  public var count: Int { keys.count }

  public func key(kid: String) -> JWK? { byKid[kid] }

  /// True when `other` holds exactly the same keys (same order, kid, alg, public members).
  public func sameKeys(as other: [JWK]) -> Bool {
    keys.count == other.count && zip(keys, other).allSatisfy { $0.sameKey(as: $1) }
  }
}
