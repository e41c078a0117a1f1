import COpenSSL

/// An Ed25519 public key (RFC 8032, JWK `kty` OKP, `crv` Ed25519 per RFC 8037): owns one
/// OpenSSL `EVP_PKEY`, freed in `deinit`. Immutable and thread-safe.
///
/// EdDSA is one-shot in OpenSSL (no digest context to prepare), so each verification initialises
/// its own context; there is no template to copy.
public final class Ed25519PublicKey: @unchecked Sendable {
  public static let keyBytes = 32
  public static let signatureBytes = 64

  /// Owned; freed in `deinit`. Never mutated.
  let pkey: OpaquePointer

  /// Builds the key from its 32-byte encoding (JWK `x`, RFC 8037 §2). A string that does not
  /// decode to a curve point makes every verification fail (RFC 8032 §5.1.7 step 1).
  public init(x: [UInt8]) throws(CryptoError) {
    guard x.count == Ed25519PublicKey.keyBytes else {
      throw CryptoError(call: "Ed25519 public key must be 32 bytes", openSSLErrors: [])
    }
    guard let key = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nil, x, x.count) else {
      throw CryptoError.drain("EVP_PKEY_new_raw_public_key")
    }
    self.pkey = key
  }

  deinit { EVP_PKEY_free(pkey) }

  /// Verifies a 64-byte Ed25519 signature over `message` (RFC 8037 §3.1); any other length is
  /// refused before OpenSSL sees it. OpenSSL also refuses a non-canonical `S` (≥ L). Any failure
  /// is `false`; this thread's OpenSSL error queue is emptied.
  public func verify(message: UnsafeRawBufferPointer, signature: UnsafeRawBufferPointer) -> Bool {
    guard signature.count == Ed25519PublicKey.signatureBytes, let signatureBase = signature.baseAddress,
      let context = EVP_MD_CTX_new()
    else {
      OpenSSLErrorQueue.clear()
      return false
    }
    defer { EVP_MD_CTX_free(context) }
    guard EVP_DigestVerifyInit(context, nil, nil, nil, pkey) == 1 else {
      OpenSSLErrorQueue.clear()
      return false
    }
    return OpenSSLVerify.digestVerify(
      context, message: message, signature: signatureBase, count: signature.count)
  }

  /// Array convenience for `verify(message:signature:)`.
  public func verify(message: [UInt8], signature: [UInt8]) -> Bool {
    message.withUnsafeBytes { m in signature.withUnsafeBytes { s in verify(message: m, signature: s) } }
  }
}
