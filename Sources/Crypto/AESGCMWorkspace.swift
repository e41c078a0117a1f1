import COpenSSL

/// One AES-256-GCM cipher context kept from one decryption to the next on one thread, so that
/// opening a record costs the decryption and, only when the key changed, the key schedule — not
/// a new `EVP_CIPHER_CTX` and its provider context (an allocation, a fetch check and a free per
/// call, about half of a small record's open — docs/performance.md, "Session from Redis, round
/// 5"), nor a key schedule and GHASH table per call when records of one key follow each other.
///
/// The context stays keyed with the last key it opened under (its schedule and GHASH table),
/// and the workspace keeps a copy of that key to tell whether the next call needs a new key
/// schedule (compared in constant time). The same key is kept by its caller anyway (a worker's
/// verified-ticket entry holds its ticket's record key); it is cleansed when the workspace goes
/// (`EVP_CIPHER_CTX_free` cleanses the context). Before round 7 the context was keyed with zeros
/// after every call: a second key schedule per open (docs/performance.md, "Session from Redis,
/// round 7"). The plaintext is the caller's to wipe or keep.
///
/// Not thread-safe: one per thread. A worker owns one and passes it to every open on its loop;
/// `AESGCM.open` makes a temporary one.
public final class AESGCMWorkspace {
  private let context: OpaquePointer
  /// The key the context is keyed with (valid when `isKeyed`).
  private let currentKey: UnsafeMutablePointer<UInt8>
  private var isKeyed = false

  public init() {
    // Allocation failure is the only way these fail. The cipher only: keyed per call.
    guard let context = EVP_CIPHER_CTX_new(),
      EVP_DecryptInit_ex2(context, Algorithms.shared.aes256GCM, nil, nil, nil) == 1
    else {
      preconditionFailure("EVP_CIPHER_CTX_new/EVP_DecryptInit_ex2: \(OpenSSLErrorQueue.drain())")
    }
    self.context = context
    currentKey = .allocate(capacity: AESGCM.keyByteCount)
    currentKey.initialize(repeating: 0, count: AESGCM.keyByteCount)
  }

  deinit {
    EVP_CIPHER_CTX_free(context)
    OPENSSL_cleanse(currentKey, AESGCM.keyByteCount)
    currentKey.deallocate()
  }

  /// Decrypts `ciphertext` and checks `tag` over it and `aad`; nil when they do not match (never
  /// partial plaintext). `key` 32 bytes, `nonce` 12, `tag` 16 (the caller checked the sizes).
  func open(
    key: UnsafeRawBufferPointer, nonce: UnsafeRawBufferPointer, ciphertext: UnsafeRawBufferPointer,
    tag: UnsafeRawBufferPointer, aad: UnsafeRawBufferPointer
  ) throws(CryptoError) -> [UInt8]? {
    // A nil cipher keeps the fetched AES-256-GCM and its provider context. The same key as the
    // last call: only the nonce is set (it resets the GCM state; the provider keeps the key
    // schedule); another key: key and nonce in one init.
    let sameKey =
      isKeyed
      && ConstantTime.difference(
        UnsafeRawPointer(currentKey), key.baseAddress!, count: AESGCM.keyByteCount) == 0
    if !sameKey {
      isKeyed = false
      guard EVP_DecryptInit_ex2(context, nil, key.baseAddress, nonce.baseAddress, nil) == 1 else {
        throw CryptoError.drain("EVP_DecryptInit_ex2")
      }
      UnsafeMutableRawPointer(currentKey).copyMemory(from: key.baseAddress!, byteCount: AESGCM.keyByteCount)
      isKeyed = true
    } else {
      guard EVP_DecryptInit_ex2(context, nil, nil, nonce.baseAddress, nil) == 1 else {
        isKeyed = false
        throw CryptoError.drain("EVP_DecryptInit_ex2")
      }
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
    if let failure {
      isKeyed = false  // an OpenSSL failure: key afresh next time
      throw failure
    }
    return opened ? plaintext : nil
  }
}
