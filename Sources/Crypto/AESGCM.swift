import COpenSSL

/// AES-256-GCM authenticated encryption (NIST SP 800-38D): 32-byte key, 12-byte nonce, 16-byte tag.
///
/// Thread-safe: `seal` makes a new `EVP_CIPHER_CTX` per call over the shared prefetched cipher;
/// `open` uses the caller's per-thread `AESGCMWorkspace` (or a new one).
/// The caller owns nonce uniqueness: never reuse a nonce under the same key (use
/// `SecureRandom.bytes(12)` per message, which is safe for well under 2^32 messages per key).
public enum AESGCM {
  public static let keyByteCount = 32
  public static let nonceByteCount = 12
  public static let tagByteCount = 16

  /// Ciphertext and its authentication tag.
  public struct Sealed: Sendable, Equatable {
    public var ciphertext: [UInt8]
    public var tag: [UInt8]
    public init(ciphertext: [UInt8], tag: [UInt8]) {
      self.ciphertext = ciphertext
      self.tag = tag
    }
  }

  /// Encrypts `plaintext` and authenticates it together with `aad`.
  public static func seal(key: [UInt8], nonce: [UInt8], plaintext: [UInt8], aad: [UInt8] = [])
    throws(CryptoError) -> Sealed
  {
    try checkSizes(key: key, nonce: nonce)
    let context = try CipherContext()
    guard EVP_EncryptInit_ex2(context.pointer, Algorithms.shared.aes256GCM, key, nonce, nil) == 1 else {
      throw CryptoError.drain("EVP_EncryptInit_ex2")
    }
    var outLength: Int32 = 0
    if !aad.isEmpty {
      guard EVP_EncryptUpdate(context.pointer, nil, &outLength, aad, Int32(aad.count)) == 1 else {
        throw CryptoError.drain("EVP_EncryptUpdate(aad)")
      }
    }
    // GCM is a stream mode: the ciphertext is exactly as long as the plaintext (+1 so the
    // buffer pointer is never null for an empty plaintext).
    var ciphertext = [UInt8](repeating: 0, count: plaintext.count + 1)
    var written = 0
    if !plaintext.isEmpty {
      guard
        EVP_EncryptUpdate(context.pointer, &ciphertext, &outLength, plaintext, Int32(plaintext.count)) == 1
      else { throw CryptoError.drain("EVP_EncryptUpdate") }
      written = Int(outLength)
    }
    let finalOK = ciphertext.withUnsafeMutableBufferPointer {
      EVP_EncryptFinal_ex(context.pointer, $0.baseAddress! + written, &outLength)
    }
    guard finalOK == 1 else { throw CryptoError.drain("EVP_EncryptFinal_ex") }
    written += Int(outLength)
    var tag = [UInt8](repeating: 0, count: tagByteCount)
    guard EVP_CIPHER_CTX_ctrl(context.pointer, gh_EVP_CTRL_GCM_GET_TAG(), Int32(tagByteCount), &tag) == 1
    else {
      throw CryptoError.drain("EVP_CIPHER_CTX_ctrl(GET_TAG)")
    }
    ciphertext.removeLast(ciphertext.count - written)
    return Sealed(ciphertext: ciphertext, tag: tag)
  }

  /// Decrypts and checks the tag; returns nil when the ciphertext, tag, nonce, key or `aad` do not
  /// match (never partial plaintext). Throws only for wrong sizes or OpenSSL failures.
  /// `workspace`: the calling thread's cipher context (`AESGCMWorkspace`); nil makes one.
  public static func open(
    key: [UInt8], nonce: [UInt8], sealed: Sealed, aad: [UInt8] = [], workspace: AESGCMWorkspace? = nil
  ) throws(CryptoError) -> [UInt8]? {
    try checkSizes(key: key, nonce: nonce)
    guard sealed.tag.count == tagByteCount else {
      throw CryptoError(call: "AES-GCM tag must be \(tagByteCount) bytes", openSSLErrors: [])
    }
    let workspace = workspace ?? AESGCMWorkspace()
    // `withUnsafeBytes` rethrows untyped errors: the typed one travels in a `Result`.
    let opened: Result<[UInt8]?, CryptoError> = key.withUnsafeBytes { key in
      nonce.withUnsafeBytes { nonce in
        sealed.ciphertext.withUnsafeBytes { ciphertext in
          sealed.tag.withUnsafeBytes { tag in
            aad.withUnsafeBytes { aad in
              Result { () throws(CryptoError) in
                try workspace.open(key: key, nonce: nonce, ciphertext: ciphertext, tag: tag, aad: aad)
              }
            }
          }
        }
      }
    }
    return try opened.get()
  }

  private static func checkSizes(key: [UInt8], nonce: [UInt8]) throws(CryptoError) {
    guard key.count == keyByteCount else {
      throw CryptoError(call: "AES-256-GCM key must be \(keyByteCount) bytes", openSSLErrors: [])
    }
    guard nonce.count == nonceByteCount else {
      throw CryptoError(call: "AES-GCM nonce must be \(nonceByteCount) bytes", openSSLErrors: [])
    }
  }
}

/// Owns one `EVP_CIPHER_CTX` for the length of one call. Not shared.
private final class CipherContext {
  let pointer: OpaquePointer
  init() throws(CryptoError) {
    guard let pointer = EVP_CIPHER_CTX_new() else { throw CryptoError.drain("EVP_CIPHER_CTX_new") }
    self.pointer = pointer
  }
  deinit { EVP_CIPHER_CTX_free(pointer) }
}
