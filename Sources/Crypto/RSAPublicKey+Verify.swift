import COpenSSL

extension RSAPublicKey {
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
