import Foundation

/// The JWT integration fixtures (Tests/IntegrationTests/Fixtures/jwt, made by its
/// make_fixtures.py), read from the source tree: this target declares no resources. Immutable.
enum JWTFixtures {
  static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Fixtures/jwt")

  static func bytes(_ name: String) throws -> [UInt8] {
    Array(try Data(contentsOf: directory.appendingPathComponent(name)))
  }

  static func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

  /// A named token from tokens.json (or another token table, e.g. tokens_algs.json).
  static func token(_ name: String, file: String = "tokens.json") throws -> String {
    let data = try Data(contentsOf: directory.appendingPathComponent(file))
    guard let table = try JSONSerialization.jsonObject(with: data) as? [String: String],
      let token = table[name]
    else { throw HarnessError("no fixture token \(name)") }
    return token
  }

  /// `token` with its header's `kid` replaced (the signature no longer matters: an unknown kid
  /// is refused before any signature check).
  static func withKid(_ token: String, _ kid: String) -> String {
    let header = "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"\(kid)\"}"
    let encoded = Data(header.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-")
      .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    return encoded + token.drop { $0 != "." }
  }
}
