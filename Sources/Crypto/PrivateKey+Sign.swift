import COpenSSL

extension PrivateKey {
  /// Signs `message` and returns the signature in its JWS form (RFC 7518 §3, RFC 8037 §3.1):
  /// - EC P-256 / P-384: ECDSA with SHA-256 / SHA-384, OpenSSL's DER converted to `r || s`
  ///   (exactly 64 / 96 bytes) — ES256 / ES384;
  /// - Ed25519: the 64-byte pure EdDSA signature — EdDSA;
  /// - RSA: RSASSA-PKCS1-v1_5 with SHA-256, as long as the modulus — RS256.
  ///
  /// Thread-safe. Throws only when OpenSSL fails (allocation, a provider error); the error
  /// carries OpenSSL's queue.
  public func sign(_ message: [UInt8]) throws(CryptoError) -> [UInt8] {
    let digest: OpaquePointer?
    switch type {
    case .ec(let curve): digest = curve.digest
    case .ed25519: digest = nil  // EdDSA hashes internally; OpenSSL requires a null digest.
    case .rsa: digest = Algorithms.shared.sha256
    }
    guard let context = EVP_MD_CTX_new() else { throw CryptoError.drain("EVP_MD_CTX_new") }
    defer { EVP_MD_CTX_free(context) }
    guard EVP_DigestSignInit(context, nil, digest, nil, pkey) == 1 else {
      throw CryptoError.drain("EVP_DigestSignInit")
    }
    var empty: UInt8 = 0
    let signature: [UInt8] = try message.withUnsafeBufferPointer { buffer throws(CryptoError) in
      try withUnsafePointer(to: &empty) { emptyPointer throws(CryptoError) in
        // EVP_DigestSign wants a non-null pointer even for an empty message.
        let input = buffer.baseAddress ?? emptyPointer
        var length = 0
        guard EVP_DigestSign(context, nil, &length, input, buffer.count) == 1 else {
          throw CryptoError.drain("EVP_DigestSign(size)")
        }
        var output = [UInt8](repeating: 0, count: length)
        guard EVP_DigestSign(context, &output, &length, input, buffer.count) == 1 else {
          throw CryptoError.drain("EVP_DigestSign")
        }
        return Array(output.prefix(length))
      }
    }
    guard case .ec(let curve) = type else { return signature }
    guard let jose = ECDSASignatureEncoding.jose(fromDER: signature, coordinateBytes: curve.coordinateBytes)
    else {
      throw CryptoError(call: "ECDSA signature from OpenSSL is not well-formed DER", openSSLErrors: [])
    }
    return jose
  }
}
