import COpenSSL

extension RSAPublicKey {
  /// Verifies an RS256 (RSASSA-PKCS1-v1_5 with SHA-256, RFC 7518 §3.3) signature over `message`.
  ///
  /// Thread-safe: each call copies the key's read-only template `EVP_MD_CTX` (initialised once in
  /// `init` for SHA-256 and this key) into its own context. Copying costs a few hundred
  /// instructions; a fresh `EVP_DigestVerifyInit` costs ~27,000 (it builds an `EVP_PKEY_CTX` and
  /// looks the signature algorithm up in the provider tables, under a lock) — measured with
  /// callgrind, ~8% of a whole RS256 verification. A signature whose length is not
  /// `modulusBytes` is refused before OpenSSL sees it (RFC 8017 defines the signature as a
  /// k-octet string). Any failure — bad signature or internal error — is `false`; this thread's
  /// OpenSSL error queue is emptied.
  public func verifyRS256(message: UnsafeRawBufferPointer, signature: UnsafeRawBufferPointer) -> Bool {
    guard signature.count == modulusBytes, let signatureBase = signature.baseAddress else { return false }
    guard let context = EVP_MD_CTX_new() else {
      OpenSSLErrorQueue.clear()
      return false
    }
    defer { EVP_MD_CTX_free(context) }
    guard EVP_MD_CTX_copy_ex(context, verifyTemplate) == 1 else {
      OpenSSLErrorQueue.clear()
      return false
    }
    // One-shot use: lets EVP_DigestVerifyFinal work on this context's own EVP_PKEY_CTX (already
    // a private duplicate) instead of duplicating it once more.
    EVP_MD_CTX_set_flags(context, EVP_MD_CTX_FLAG_FINALISE)
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

  /// Verifies a PS256 signature (RSASSA-PSS with SHA-256, MGF1-SHA-256 and a 32-byte salt,
  /// RFC 7518 §3.5) over `message`. Same contract as `verifyRS256`: the signature must be
  /// `modulusBytes` long; any failure is `false`. Thread-safe (copies `pssTemplate`).
  public func verifyPS256(message: UnsafeRawBufferPointer, signature: UnsafeRawBufferPointer) -> Bool {
    guard signature.count == modulusBytes else { return false }
    return OpenSSLVerify.withTemplate(pssTemplate, message: message, signature: signature)
  }

  /// Array convenience for `verifyPS256(message:signature:)`.
  public func verifyPS256(message: [UInt8], signature: [UInt8]) -> Bool {
    message.withUnsafeBytes { m in signature.withUnsafeBytes { s in verifyPS256(message: m, signature: s) } }
  }
}
