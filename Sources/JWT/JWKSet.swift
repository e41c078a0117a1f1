/// A parsed JWK Set document (RFC 7517 §5): its usable signature keys and the reasons the others were
/// skipped. Immutable, Sendable.
///
/// The document itself must be sound — a JSON object within `maxBodyBytes`, with a `keys` array
/// of at most `maxKeys` members — or parsing fails and the caller keeps its last good set.
/// Individual unusable keys (`kty` oct, P-521, `use: enc`, < 2048 bits, duplicate `kid`, …) are only skipped.
public struct JWKSet: Sendable {
  public struct Limits: Sendable, Equatable {
    public var maxKeys: Int
    public var maxBodyBytes: Int
    public init(maxKeys: Int = 100, maxBodyBytes: Int = 256 * 1024) {
      self.maxKeys = maxKeys
      self.maxBodyBytes = maxBodyBytes
    }
  }

  public let keys: [JWK]
  /// One line per skipped key, naming its index and `kid` when it has one.
  public let skipped: [String]

  public init(keys: [JWK], skipped: [String] = []) {
    self.keys = keys
    self.skipped = skipped
  }

  /// Parses a JWKS body; throws when the document as a whole is unusable.
  public static func parse(_ body: [UInt8], limits: Limits = Limits()) throws(JWKSetError) -> JWKSet {
    guard body.count <= limits.maxBodyBytes else {
      throw JWKSetError("body of \(body.count) bytes exceeds \(limits.maxBodyBytes)")
    }
    let document: JSONValue
    do {
      document = try JSONParser.parse(body)
    } catch {
      throw JWKSetError(error.description)
    }
    guard case .object(let members) = document else { throw JWKSetError("not a JSON object") }
    guard case .array(let entries)? = members["keys"] else { throw JWKSetError("no keys array") }
    guard entries.count <= limits.maxKeys else {
      throw JWKSetError("\(entries.count) keys exceed the limit of \(limits.maxKeys)")
    }
    var keys: [JWK] = []
    var skipped: [String] = []
    var kids = Set<String>()
    for (index, entry) in entries.enumerated() {
      do {
        let key = try JWK(json: entry)
        if let kid = key.kid {
          guard kids.insert(kid).inserted else {
            skipped.append("key \(index): kid \(kid): duplicate kid")
            continue
          }
        }
        keys.append(key)
      } catch {
        skipped.append("key \(index): \(error.description)")
      }
    }
    return JWKSet(keys: keys, skipped: skipped)
  }
}

/// Why a whole JWKS document was refused. Immutable.
public struct JWKSetError: Error, Sendable, Equatable, CustomStringConvertible {
  public let reason: String
  public init(_ reason: String) { self.reason = reason }
  public var description: String { "JWKS: \(reason)" }
}
