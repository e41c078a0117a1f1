import Crypto
import Foundation
import JWT
import XCTest

/// The signing API: known-answer vectors, round trips through our verifier and through the
/// `openssl` CLI, key loading and generation.
final class JWSSignerTests: XCTestCase {
  // RFC 8037 §A.1 (Ed25519 key) and §A.4 (signature over "Example of Ed25519 signing").
  static let rfc8037D = "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"
  static let rfc8037X = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
  static let rfc8037SigningInput = "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc"
  static let rfc8037Signature =
    "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg"
  // RFC 7515 §A.3 (ES256 key).
  static let rfc7515D = "jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI"
  static let rfc7515X = "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU"
  static let rfc7515Y = "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"

  /// Claims the fixture issuer settings accept at `Fixtures.now`.
  static func claims(sub: String) -> String {
    #"{"iss":"\#(Fixtures.issuer)","aud":"\#(Fixtures.audience)","sub":"\#(sub)","exp":\#(Fixtures.now + 300)}"#
  }

  /// PKCS#8 PEM of an Ed25519 seed (RFC 8410 §7 layout).
  static func ed25519PEM(seed: [UInt8]) -> [UInt8] {
    pem("PRIVATE KEY", hex("302e020100300506032b657004220420") + seed)
  }

  /// SEC 1 `EC PRIVATE KEY` PEM of a P-256 key (RFC 5915).
  static func p256PEM(d: [UInt8], x: [UInt8], y: [UInt8]) -> [UInt8] {
    let der =
      hex("307702010104" + "20") + d + hex("a00a06082a8648ce3d030107a14403420004") + x + y
    return pem("EC PRIVATE KEY", der)
  }

  static func pem(_ label: String, _ der: [UInt8]) -> [UInt8] {
    let body = Data(der).base64EncodedString(options: [.lineLength64Characters, .endLineWithLineFeed])
    return Array("-----BEGIN \(label)-----\n\(body)\n-----END \(label)-----\n".utf8)
  }

  func testRFC8037EdDSAVectorIsReproduced() throws {
    let signer = try JWSSigner(pem: Self.ed25519PEM(seed: Base64URL.decode(Self.rfc8037D)!))
    XCTAssertEqual(signer.algorithm, .edDSA)
    XCTAssertEqual(signer.key.publicJWK["x"], Self.rfc8037X)
    XCTAssertEqual(signer.kid, "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k")  // RFC 8037 §A.3
    // Ed25519 is deterministic: the RFC's exact signature.
    let signature = try signer.sign(signingInput: Array(Self.rfc8037SigningInput.utf8))
    XCTAssertEqual(Base64URL.encode(signature), Self.rfc8037Signature)
  }

  func testRFC7515ES256KeyLoadsAndSigns() throws {
    let x = Base64URL.decode(Self.rfc7515X)!
    let y = Base64URL.decode(Self.rfc7515Y)!
    let signer = try JWSSigner(pem: Self.p256PEM(d: Base64URL.decode(Self.rfc7515D)!, x: x, y: y))
    XCTAssertEqual(signer.algorithm, .es256)
    XCTAssertEqual(signer.key.publicJWK, PublicJWK.ec(curve: .p256, x: x, y: y))
    let input = Array("eyJhbGciOiJFUzI1NiJ9.UGF5bG9hZA".utf8)
    let signature = try signer.sign(signingInput: input)
    XCTAssertEqual(signature.count, 64)
    let publicKey = try ECPublicKey(curve: .p256, x: x, y: y)
    XCTAssertTrue(publicKey.verify(message: input, signature: signature))
    // ECDSA is randomised: two signatures differ, both verify.
    let second = try signer.sign(signingInput: input)
    XCTAssertNotEqual(signature, second)
    XCTAssertTrue(publicKey.verify(message: input, signature: second))
  }

  /// Keys made by `openssl genpkey` (and the RSA fixture k1): each signs a token that our
  /// verifier and the openssl CLI both accept, and that neither accepts once altered.
  func testRoundTripThroughOurVerifierAndOpenSSL() throws {
    let cli = try OpenSSLCLI()
    let keys: [(name: String, pem: [UInt8], algorithm: JWSAlgorithm, signatureBytes: Int)] = [
      (
        "es256",
        try cli.generateKey("es256.pem", ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"]), .es256,
        64
      ),
      (
        "es384",
        try cli.generateKey("es384.pem", ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"]), .es384,
        96
      ),
      ("eddsa", try cli.generateKey("eddsa.pem", ["-algorithm", "ED25519"]), .edDSA, 64),
      ("rs256", Fixtures.data("k1.pem"), .rs256, 256),
    ]
    for key in keys {
      let signer = try JWSSigner(pem: key.pem)
      XCTAssertEqual(signer.algorithm, key.algorithm, key.name)
      let token = try CompactJWS.sign(
        claimsJSON: Self.claims(sub: "alice"), signer: signer)
      let parsed = try CompactJWS.parse(token: Array(token.utf8))
      XCTAssertEqual(parsed.header["alg"], .string(key.algorithm.rawValue), key.name)
      XCTAssertEqual(parsed.header["kid"], .string(signer.kid), key.name)
      XCTAssertEqual(parsed.header["typ"], .string("JWT"), key.name)
      XCTAssertEqual(parsed.payload["sub"], .string("alice"), key.name)
      XCTAssertEqual(parsed.signature.count, key.signatureBytes, key.name)
      XCTAssertTrue(try ourVerifierAccepts(parsed.signingInput, parsed.signature, signer), key.name)
      XCTAssertTrue(
        try openSSLAccepts(cli, key.name, key.pem, parsed.signingInput, parsed.signature, signer), key.name)

      var tampered = parsed.signature
      tampered[tampered.count / 2] ^= 1
      XCTAssertFalse(try ourVerifierAccepts(parsed.signingInput, tampered, signer), "\(key.name) tampered")
      XCTAssertFalse(
        try openSSLAccepts(cli, key.name, key.pem, parsed.signingInput, tampered, signer),
        "\(key.name) tampered")
    }
  }

  func testGeneratedKeys() throws {
    for algorithm in [JWSAlgorithm.es256, .edDSA] {
      let first = try JWSSigner.generate(algorithm)
      let second = try JWSSigner.generate(algorithm)
      XCTAssertEqual(first.algorithm, algorithm)
      XCTAssertNotEqual(first.kid, second.kid, "\(algorithm) keys are random")
      XCTAssertEqual(first.kid.utf8.count, 43)
      let token = try CompactJWS.sign(claimsJSON: Self.claims(sub: "bob"), signer: first)
      let parsed = try CompactJWS.parse(token: Array(token.utf8))
      XCTAssertTrue(try ourVerifierAccepts(parsed.signingInput, parsed.signature, first), "\(algorithm)")
    }
    XCTAssertThrowsError(try JWSSigner.generate(.rs256))
    XCTAssertThrowsError(try JWSSigner.generate(.ps256))
  }

  func testPublicJWKAndKeySetJSON() throws {
    let signer = try JWSSigner(pem: Self.ed25519PEM(seed: Base64URL.decode(Self.rfc8037D)!))
    XCTAssertEqual(
      signer.publicJWK,
      "{\"crv\":\"Ed25519\",\"kty\":\"OKP\",\"x\":\"\(Self.rfc8037X)\",\"alg\":\"EdDSA\",\"use\":\"sig\","
        + "\"kid\":\"kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k\"}")
    let rsa = try JWSSigner(pem: Fixtures.data("k1.pem"))
    let set = JWSSigner.keySetJSON([signer, rsa])
    let document = try JSONParser.parse(Array(set.utf8))
    guard case .array(let keys)? = document["keys"] else { return XCTFail("no keys array") }
    XCTAssertEqual(keys.count, 2)
    XCTAssertNil(keys[1]["d"], "public members only")
    XCTAssertEqual(keys[1]["kid"], .string(rsa.kid))
  }

  func testUnusableKeysAreRefused() throws {
    let cli = try OpenSSLCLI()
    let p521 = try cli.generateKey("p521.pem", ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-521"])
    let encrypted = try cli.generateKey(
      "enc.pem", ["-algorithm", "ED25519", "-aes-128-cbc", "-pass", "pass:secret"])
    let cases: [(name: String, pem: [UInt8])] = [
      ("P-521", p521),
      ("RSA-1024", Fixtures.data("small.pem")),
      ("encrypted", encrypted),
      ("public key only", Fixtures.data("k1.pub.pem")),
      ("empty", []),
      ("garbage", Array("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n".utf8)),
    ]
    for c in cases {
      XCTAssertThrowsError(try PrivateKey(pem: c.pem), c.name)
    }
  }

  // MARK: - Verifiers

  /// `JWTValidator` with the signer's published JWK as the issuer's only key: the whole path a
  /// second Gatehouse takes (JWK parsing, algorithm/key pinning, signature, claims).
  private func ourVerifierAccepts(_ input: [UInt8], _ signature: [UInt8], _ signer: JWSSigner) throws -> Bool
  {
    let jwk = try JWK(json: JSONParser.parse(Array(signer.publicJWK.utf8)))
    let settings = try IssuerSettings(
      issuer: Fixtures.issuer, audiences: [Fixtures.audience], algorithms: [signer.algorithm.rawValue])
    let token = String(decoding: input, as: UTF8.self) + "." + Base64URL.encode(signature)
    let result = JWTValidator.validate(
      token: Array(token.utf8), keys: KeySet(keys: [jwk]), settings: settings, now: Fixtures.now)
    if case .failure(let error) = result, error.kind != .badSignature { XCTFail("unexpected \(error)") }
    return (try? result.get()) != nil
  }

  private func openSSLAccepts(
    _ cli: OpenSSLCLI, _ name: String, _ pem: [UInt8], _ input: [UInt8], _ signature: [UInt8],
    _ signer: JWSSigner
  ) throws -> Bool {
    let algorithm = signer.algorithm
    try cli.write("\(name).key", pem)
    XCTAssertEqual(
      try cli.run(["pkey", "-in", cli.path("\(name).key"), "-pubout", "-out", cli.path("\(name).pub")]), 0)
    try cli.write("\(name).input", input)
    let status: Int32
    switch algorithm {
    case .edDSA:
      try cli.write("\(name).sig", signature)
      status = try cli.run([
        "pkeyutl", "-verify", "-pubin", "-inkey", cli.path("\(name).pub"), "-rawin", "-in",
        cli.path("\(name).input"),
        "-sigfile", cli.path("\(name).sig"),
      ])
    case .es256, .es384, .rs256, .ps256:
      // The CLI wants ECDSA signatures in DER.
      let encoded =
        algorithm.fixedSignatureBytes == nil ? signature : ECDSASignatureEncoding.der(fromJOSE: signature)
      try cli.write("\(name).sig", encoded)
      status = try cli.run([
        "dgst", algorithm == .es384 ? "-sha384" : "-sha256", "-verify", cli.path("\(name).pub"), "-signature",
        cli.path("\(name).sig"), cli.path("\(name).input"),
      ])
    }
    return status == 0
  }
}

private func hex(_ text: String) -> [UInt8] {
  var out: [UInt8] = []
  var index = text.startIndex
  while index < text.endIndex {
    let next = text.index(index, offsetBy: 2)
    out.append(UInt8(text[index..<next], radix: 16)!)
    index = next
  }
  return out
}
