import COpenSSL

/// An HMAC-SHA256 key prepared once: the SHA-256 states after absorbing `key ⊕ ipad` and
/// `key ⊕ opad` are kept, so each tag costs the message blocks plus one outer block instead of
/// two more key blocks. For long-lived keys (session ticket keys). Immutable after init and
/// thread-safe: each call copies the prepared states into its own digest contexts.
public final class HMACSHA256Key: @unchecked Sendable {
  private let inner: OpaquePointer
  private let outer: OpaquePointer

  public init(_ key: [UInt8]) {
    var block = key.count > 64 ? SHA256.hash(key) : key
    block += [UInt8](repeating: 0, count: 64 - block.count)
    defer { OPENSSL_cleanse(&block, 64) }
    guard let inner = EVP_MD_CTX_new(), let outer = EVP_MD_CTX_new() else {
      preconditionFailure("EVP_MD_CTX_new failed")
    }
    let md = Algorithms.shared.sha256
    var pad = block.map { $0 ^ 0x36 }
    var ok = EVP_DigestInit_ex(inner, md, nil) == 1 && EVP_DigestUpdate(inner, pad, 64) == 1
    pad = block.map { $0 ^ 0x5C }
    ok = ok && EVP_DigestInit_ex(outer, md, nil) == 1 && EVP_DigestUpdate(outer, pad, 64) == 1
    OPENSSL_cleanse(&pad, 64)
    precondition(ok, "HMAC key setup: \(OpenSSLErrorQueue.drain())")
    self.inner = inner
    self.outer = outer
  }

  deinit {
    EVP_MD_CTX_free(inner)
    EVP_MD_CTX_free(outer)
  }

  /// The 32-byte tag of `message`.
  public func authenticate(_ message: [UInt8]) -> [UInt8] {
    guard let context = EVP_MD_CTX_new() else { preconditionFailure("EVP_MD_CTX_new failed") }
    defer { EVP_MD_CTX_free(context) }
    var innerHash = [UInt8](repeating: 0, count: 32)
    var out = [UInt8](repeating: 0, count: 32)
    var length: UInt32 = 0
    var ok = EVP_MD_CTX_copy_ex(context, inner) == 1
    if !message.isEmpty { ok = ok && EVP_DigestUpdate(context, message, message.count) == 1 }
    ok = ok && EVP_DigestFinal_ex(context, &innerHash, &length) == 1
    ok = ok && EVP_MD_CTX_copy_ex(context, outer) == 1
    ok = ok && EVP_DigestUpdate(context, innerHash, 32) == 1
    ok = ok && EVP_DigestFinal_ex(context, &out, &length) == 1
    precondition(ok && length == 32, "HMAC-SHA256: \(OpenSSLErrorQueue.drain())")
    return out
  }
}
