/// What one trusted issuer's tokens must look like. Immutable, Sendable; built by `Proxy`'s
/// config loader and validated here so that an impossible setting fails at start, not per request.
public struct IssuerSettings: Sendable {
  /// The algorithms this build can verify (`JWSAlgorithm`): every other name in `algorithms`
  /// (`HS256`, `none`, `RS512`, …) is a configuration error, not a silently ignored entry.
  public static let implementedAlgorithms: Set<String> = Set(JWSAlgorithm.allCases.map(\.rawValue))

  /// Exact `iss` value (no normalisation: "https://a/" and "https://a" differ, as RFC 7519 says).
  public let issuer: String
  /// At least one `aud` entry of a token must equal one of these exactly.
  public let audiences: [String]
  /// The `alg` values a token may carry; the header is compared against this, never trusted.
  public let algorithms: Set<String>
  /// Seconds of clock skew allowed on `exp`, `nbf` and `iat`.
  public let leeway: Int64
  /// Claims that must be present; a non-nil value must also be equal (structural JSON equality).
  public let requiredClaims: [String: JSONValue?]
  /// Tokens longer than this are refused before parsing.
  public let maxTokenBytes: Int
  /// `algorithms` as one bit per `JWSAlgorithm` (precomputed: no set look-up per token).
  let allowedBits: UInt8
  /// `issuer` and `audiences` as bytes when they are ASCII, for comparing a token's plain ASCII
  /// `iss`/`aud` without decoding them; nil otherwise (then `String` equality, which is
  /// canonical equivalence, decides — and differs from byte equality only beyond ASCII).
  let issuerASCII: [UInt8]?
  let audiencesASCII: [[UInt8]]?
  /// `requiredClaims` sorted by name, so checks run (and fail) in a stable order.
  let sortedRequiredClaims: [(name: String, value: JSONValue?)]

  /// True when tokens signed with `algorithm` are accepted.
  @inline(__always)
  func allows(_ algorithm: JWSAlgorithm) -> Bool { allowedBits & algorithm.bit != 0 }

  public init(
    issuer: String, audiences: [String], algorithms: [String] = ["RS256"], leeway: Int64 = 30,
    requiredClaims: [String: JSONValue?] = [:], maxTokenBytes: Int = 8192
  ) throws(IssuerSettingsError) {
    var problems: [String] = []
    if issuer.isEmpty { problems.append("issuer must not be empty") }
    if audiences.isEmpty || audiences.contains(where: \.isEmpty) {
      problems.append("audiences must list at least one non-empty audience")
    }
    if algorithms.isEmpty { problems.append("algorithms must not be empty") }
    for name in algorithms where !IssuerSettings.implementedAlgorithms.contains(name) {
      let names = JWSAlgorithm.allCases.map(\.rawValue).joined(separator: ", ")
      problems.append("algorithm \(name) is not supported (supported: \(names))")
    }
    if leeway < 0 || leeway > 600 { problems.append("leeway must be between 0 and 600 seconds") }
    if maxTokenBytes < 64 || maxTokenBytes > 1 << 20 {
      problems.append("max token size must be between 64 bytes and 1 MiB")
    }
    guard problems.isEmpty else { throw IssuerSettingsError(problems: problems) }
    self.issuer = issuer
    self.audiences = audiences
    self.algorithms = Set(algorithms)
    self.leeway = leeway
    self.requiredClaims = requiredClaims
    self.maxTokenBytes = maxTokenBytes
    self.allowedBits = algorithms.reduce(0) { $0 | (JWSAlgorithm(rawValue: $1)?.bit ?? 0) }
    let isASCII: (String) -> Bool = { $0.utf8.allSatisfy { $0 < 0x80 } }
    self.issuerASCII = isASCII(issuer) ? Array(issuer.utf8) : nil
    self.audiencesASCII = audiences.allSatisfy(isASCII) ? audiences.map { Array($0.utf8) } : nil
    self.sortedRequiredClaims = requiredClaims.sorted { $0.key < $1.key }.map {
      (name: $0.key, value: $0.value)
    }
  }
}

/// Every problem found in one issuer's settings. Immutable.
public struct IssuerSettingsError: Error, Sendable, Equatable, CustomStringConvertible {
  public let problems: [String]
  public init(problems: [String]) { self.problems = problems }
  public var description: String { problems.joined(separator: "; ") }
}
