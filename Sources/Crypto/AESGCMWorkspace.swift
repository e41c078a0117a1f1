import COpenSSL

/// One AES-256-GCM cipher context kept from one decryption to the next on one thread, so that
/// opening a record costs the key schedule and the decryption, not a new `EVP_CIPHER_CTX` and
/// its provider context (an allocation, a fetch check and a free per call, about half of a
/// small record's open — docs/performance.md, "Session from Redis, round 5").
///
/// Key material does not outlive a call: after each decryption the context is keyed again with
/// zeros, which overwrites the record key's schedule and GHASH table in place (what
/// `EVP_CIPHER_CTX_free` cleansed before). The plaintext is the caller's to wipe or keep.
///
/// Not thread-safe: one per thread. A worker owns one and passes it to every open on its loop;
/// `AESGCM.open` makes a temporary one.
public final class AESGCMWorkspace {
  private let context: OpaquePointer
  /// Made for one call (`AESGCM.open` without a workspace): freeing the context cleanses it, so
  /// it is not keyed with zeros after the call.
  private let isTemporary: Bool
  private static let zeroKey = [UInt8](repeating: 0, count: AESGCM.keyByteCount)

  public convenience init() { self.init(temporary: false) }

  init(temporary: Bool) {
    // Allocation failure is the only way these fail. The cipher only: keyed per call.
    guard let context = EVP_CIPHER_CTX_new(),
      EVP_DecryptInit_ex2(context, Algorithms.shared.aes256GCM, nil, nil, nil) == 1
    else {
      preconditionFailure("EVP_CIPHER_CTX_new/EVP_DecryptInit_ex2: \(OpenSSLErrorQueue.drain())")
    }
    self.context = context
    self.isTemporary = temporary
  }

  deinit { EVP_CIPHER_CTX_free(context) }

  /// Decrypts `ciphertext` and checks `tag` over it and `aad`; nil when they do not match (never
  /// partial plaintext). `key` 32 bytes, `nonce` 12, `tag` 16 (the caller checked the sizes).
  func open(
    key: UnsafeRawBufferPointer, nonce: UnsafeRawBufferPointer, ciphertext: UnsafeRawBufferPointer,
    tag: UnsafeRawBufferPointer, aad: UnsafeRawBufferPointer
  ) throws(CryptoError) -> [UInt8]? {
    defer { if !isTemporary { forgetKey() } }
    // A nil cipher keeps the fetched AES-256-GCM and its provider context: only key and nonce
    // are set (the nonce resets the GCM state).
    guard EVP_DecryptInit_ex2(context, nil, key.baseAddress, nonce.baseAddress, nil) == 1 else {
      throw CryptoError.drain("EVP_DecryptInit_ex2")
    }
    var outLength: Int32 = 0
    if aad.count > 0 {
      guard EVP_DecryptUpdate(context, nil, &outLength, aad.baseAddress, Int32(aad.count)) == 1 else {
        throw CryptoError.drain("EVP_DecryptUpdate(aad)")
      }
    }
    var failure: CryptoError?
    var opened = false
    let count = ciphertext.count
    // +1 so the buffer is never empty (an empty plaintext still has its tag checked).
    let plaintext = [UInt8](unsafeUninitializedCapacity: count + 1) { buffer, initialized in
      initialized = 0
      let out = buffer.baseAddress!
      var written = 0
      if count > 0 {
        guard
          EVP_DecryptUpdate(
            context, out, &outLength, ciphertext.baseAddress!.assumingMemoryBound(to: UInt8.self),
            Int32(count)) == 1
        else {
          failure = CryptoError.drain("EVP_DecryptUpdate")
          return
        }
        written = Int(outLength)
      }
      guard
        EVP_CIPHER_CTX_ctrl(
          context, gh_EVP_CTRL_GCM_SET_TAG(), Int32(AESGCM.tagByteCount),
          UnsafeMutableRawPointer(mutating: tag.baseAddress))
          == 1
      else {
        failure = CryptoError.drain("EVP_CIPHER_CTX_ctrl(SET_TAG)")
        OPENSSL_cleanse(out, written)
        return
      }
      guard EVP_DecryptFinal_ex(context, out + written, &outLength) == 1 else {
        // Tag mismatch: an expected outcome, not an error. Nothing of it is returned.
        OpenSSLErrorQueue.clear()
        OPENSSL_cleanse(out, written)
        return
      }
      written += Int(outLength)
      initialized = written
      opened = true
    }
    if let failure { throw failure }
    return opened ? plaintext : nil
  }

  /// Keys the context with zeros: the last key's schedule and GHASH key are overwritten, not
  /// left in memory. The key alone (no nonce): OpenSSL 3.0 asks the provider for the nonce
  /// length on every init that sets one, a third of an init's cost.
  private func forgetKey() {
    _ = EVP_DecryptInit_ex2(context, nil, Self.zeroKey, nil, nil)
  }
}
