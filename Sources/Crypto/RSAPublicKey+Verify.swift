import COpenSSL

extension RSAPublicKey {
  /// Verifies an RS256 (RSASSA-PKCS1-v1_5 with SHA-256, RFC 7518 §3.3) signature over `message`.
  ///
  /// Thread-safe: a fresh `EVP_MD_CTX` per call over the shared immutable key and the SHA-256
  /// `EVP_MD` fetched once. A signature whose length is not `modulusBytes` is refused before
  /// OpenSSL sees it (RFC 8017 defines the signature as a k-octet string). Any failure — bad
  /// signature or internal error — is `false`; this thread's OpenSSL error queue is emptied.
  public func verifyRS256(message: UnsafeRawBufferPointer, signature: UnsafeRawBufferPointer) -> Bool {
    guard signature.count == modulusBytes, let signatureBase = signature.baseAddress else { return false }
    guard let context = EVP_MD_CTX_new() else {
      OpenSSLErrorQueue.clear()
      return false
    }
    defer { EVP_MD_CTX_free(context) }
    guard EVP_DigestVerifyInit(context, nil, Algorithms.shared.sha256, nil, pkey) == 1 else {
      OpenSSLErrorQueue.clear()
      return false
    }
    // EVP_DigestVerify wants a non-null pointer even for an empty message.
    var empty: UInt8 = 0
    let result = withUnsafePointer(to: &empty) { emptyPointer in
      EVP_DigestVerify(
        context, signatureBase.assumingMemoryBound(to: UInt8.self), signature.count,
        message.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? emptyPointer, message.count)
    }
    if result != 1 { OpenSSLErrorQueue.clear() }
    return result == 1
  }

  /// Array convenience for `verifyRS256(message:signature:)`.
  public func verifyRS256(message: [UInt8], signature: [UInt8]) -> Bool {
    message.withUnsafeBytes { m in signature.withUnsafeBytes { s in verifyRS256(message: m, signature: s) } }
  }
}
