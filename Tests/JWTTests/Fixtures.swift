import Foundation
import JWT

/// Loads Tests/JWTTests/Fixtures (made by make_fixtures.py; see its README).
enum Fixtures {
  /// The tests' clock: every fixture time is relative to this (2027-01-15T08:00:00Z).
  static let now: Int64 = 1_800_000_000
  static let issuer = "https://login.example.com/"
  static let audience = "api.example.com"

  static func data(_ name: String) -> [UInt8] {
    let url = Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil)!
    return [UInt8](try! Data(contentsOf: url))
  }

  static let tokens: [String: String] = {
    let object = try! JSONSerialization.jsonObject(with: Data(data("tokens.json")))
    return object as! [String: String]
  }()

  static func token(_ name: String) -> String {
    guard let token = tokens[name] else { fatalError("no fixture token \(name)") }
    return token
  }

  static let jwksBody = data("jwks.json")

  /// k1, k2, ec1 (the 1024-bit key is skipped).
  static let keySet: KeySet = KeySet(try! JWKSet.parse(jwksBody))

  /// Only k1.
  static let singleKeySet: KeySet = KeySet(keys: keySet.keys.filter { $0.kid == "k1" })

  static func settings(requiredClaims: [String: JSONValue?] = [:]) -> IssuerSettings {
    try! IssuerSettings(issuer: issuer, audiences: [audience], requiredClaims: requiredClaims)
  }

  /// algs.json (make_alg_fixtures.py): keys es256 (alg ES256), es384, ed (alg EdDSA), ps (RSA,
  /// no alg) and tokens signed by Python's `cryptography`.
  static let algs: (jwks: [UInt8], tokens: [String: String]) = {
    let object = try! JSONSerialization.jsonObject(with: Data(data("algs.json"))) as! [String: Any]
    let jwks = try! JSONSerialization.data(withJSONObject: object["jwks"]!)
    return ([UInt8](jwks), object["tokens"] as! [String: String])
  }()

  static func algToken(_ name: String) -> String {
    guard let token = algs.tokens[name] else { fatalError("no algs.json token \(name)") }
    return token
  }

  /// The algs.json keys plus the main fixture keys (k1, k2, ec1).
  static let allAlgorithmsKeySet: KeySet = KeySet(keys: try! JWKSet.parse(algs.jwks).keys + keySet.keys)
}
