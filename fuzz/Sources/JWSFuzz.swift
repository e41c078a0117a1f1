import JWT

/// The compact JWS decoder: both entry points agree, and an accepted token's signing input is
/// exactly the text before its second dot. Then the validator, over a key set with one key of
/// each type (the kids the unit-test seeds use), so headers and signatures of every length reach
/// the algorithm/key dispatch and the signature-length checks: it must never crash, and a token it
/// accepts must have parsed.
enum JWSFuzz {
  /// RFC 7515 §A.3 (P-256, kid es256), RFC 8037 §A.2 (Ed25519, kid ed), RFC 7638 §3.1 (RSA, kid ps).
  static let keys: KeySet = {
    let jwks = #"""
      {"keys":[
      {"kty":"EC","kid":"es256","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"},
      {"kty":"OKP","kid":"ed","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"},
      {"kty":"RSA","kid":"ps","e":"AQAB","n":"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"}
      ]}
      """#
    let set = try! JWKSet.parse(Array(jwks.utf8))
    FuzzCheck.require(set.keys.count == 3, "fuzz key set lost a key: \(set.skipped)")
    let keySet = KeySet(set)
    retained = keySet.keys.map { key -> AnyObject in
      switch key.material {
      case .rsa(let object): object
      case .ec(let object): object
      case .ed25519(let object): object
      }
    }
    return keySet
  }()

  /// The key objects again, as plain references. LeakSanitizer cannot follow a pointer that a
  /// multi-payload enum (`JWK.Material`) stores with its case in the spare bits, so at exit it
  /// would report the EC and Ed25519 keys of this process-long set (and their OpenSSL memory) as
  /// leaked; this array keeps them visibly reachable.
  nonisolated(unsafe) static var retained: [AnyObject] = []
  static let settings = try! IssuerSettings(
    issuer: "joe", audiences: ["api.example.com"], algorithms: ["RS256", "PS256", "ES256", "ES384", "EdDSA"])

  static func run(_ data: UnsafeRawBufferPointer) {
    parse(data)
    let bytes = data.bindMemory(to: UInt8.self)
    if case .success = JWTValidator.validate(token: bytes, keys: keys, settings: settings, now: 1_300_819_000)
    {
      let parsed = Result { () throws(AuthError) in try CompactJWS.parse(token: bytes) }
      guard case .success = parsed else { FuzzCheck.fail("validated a token that does not parse") }
    }
  }

  private static func parse(_ data: UnsafeRawBufferPointer) {
    let bytes = Array(data)
    let fromArray = Result { () throws(AuthError) in try CompactJWS.parse(token: bytes) }
    let fromBuffer = Result { () throws(AuthError) in
      try CompactJWS.parse(token: data.bindMemory(to: UInt8.self))
    }
    switch (fromArray, fromBuffer) {
    case (.success(let a), .success(let b)):
      FuzzCheck.require(a.header == b.header && a.payload == b.payload, "entry points disagree on members")
      FuzzCheck.require(
        a.signingInput == b.signingInput && a.signature == b.signature, "entry points disagree")
      let dots = bytes.indices.filter { bytes[$0] == UInt8(ascii: ".") }
      FuzzCheck.require(dots.count == 2, "accepted a token with \(dots.count) dots")
      FuzzCheck.require(
        a.signingInput == Array(bytes[..<dots[1]]), "signing input is not the first two parts")
      FuzzCheck.require(!a.signature.isEmpty, "accepted an empty signature")
    case (.failure(let a), .failure(let b)):
      FuzzCheck.require(a.kind == b.kind, "entry points fail differently: \(a) / \(b)")
    default:
      FuzzCheck.fail("one entry point accepted, the other refused")
    }
  }
}
