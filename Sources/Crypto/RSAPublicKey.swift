import COpenSSL

/// An RSA public key: owns one OpenSSL `EVP_PKEY`, freed in `deinit`.
///
/// Immutable and thread-safe: the key is never modified after construction, and OpenSSL allows an
/// unmodified `EVP_PKEY` to be used by many threads at once (openssl-threads(7)); each verification
/// uses its own copy of `verifyTemplate`. Build one per JWK when a key set is loaded and share it — building a
/// key costs about as much as a verification, and a reused key keeps its Montgomery context.
public final class RSAPublicKey: @unchecked Sendable {
  /// Owned; freed in `deinit`. Never mutated.
  let pkey: OpaquePointer
  /// An `EVP_MD_CTX` set up once by `EVP_DigestVerifyInit` (SHA-256, this key) and never used
  /// directly: verifications copy it (`EVP_MD_CTX_copy_ex` only reads it, so concurrent copies
  /// are safe). Owned; freed in `deinit`.
  let verifyTemplate: OpaquePointer
  /// The same for PS256 (RSASSA-PSS, SHA-256, MGF1-SHA-256, 32-byte salt), used the same way.
  /// Owned; freed in `deinit`.
  let pssTemplate: OpaquePointer
  /// Modulus size in bits (`EVP_PKEY_get_bits`).
  public let bits: Int
  /// Modulus size in bytes: the exact length of every PKCS#1 v1.5 signature under this key.
  public let modulusBytes: Int

  /// Builds the key from the big-endian unsigned bytes of the modulus `n` and public exponent `e`
  /// (JWK `n`/`e` after base64url decoding), through `OSSL_PARAM_BLD` + `EVP_PKEY_fromdata`
  /// (the OpenSSL 3 way; the `RSA_*` setters are deprecated and make legacy keys).
  ///
  /// Checks only what OpenSSL needs (non-empty, non-zero); policy (minimum size, odd exponent)
  /// is the caller's (`JWK` parsing).
  public init(modulus: [UInt8], exponent: [UInt8]) throws(CryptoError) {
    guard modulus.contains(where: { $0 != 0 }) else {
      throw CryptoError(call: "RSA modulus is zero", openSSLErrors: [])
    }
    guard exponent.contains(where: { $0 != 0 }) else {
      throw CryptoError(call: "RSA exponent is zero", openSSLErrors: [])
    }
    let n = modulus.withUnsafeBufferPointer { BN_bin2bn($0.baseAddress, Int32($0.count), nil) }
    defer { BN_free(n) }
    let e = exponent.withUnsafeBufferPointer { BN_bin2bn($0.baseAddress, Int32($0.count), nil) }
    defer { BN_free(e) }
    guard n != nil, e != nil else { throw CryptoError.drain("BN_bin2bn") }

    guard let builder = OSSL_PARAM_BLD_new() else { throw CryptoError.drain("OSSL_PARAM_BLD_new") }
    defer { OSSL_PARAM_BLD_free(builder) }
    // The builder keeps the name pointer (not a copy) until OSSL_PARAM_BLD_to_param, so a Swift
    // String bridged for the call alone would dangle: use immortal static C strings.
    guard OSSL_PARAM_BLD_push_BN(builder, RSAPublicKey.cString("n"), n) == 1,
      OSSL_PARAM_BLD_push_BN(builder, RSAPublicKey.cString("e"), e) == 1
    else { throw CryptoError.drain("OSSL_PARAM_BLD_push_BN") }
    guard let params = OSSL_PARAM_BLD_to_param(builder) else {
      throw CryptoError.drain("OSSL_PARAM_BLD_to_param")
    }
    defer { OSSL_PARAM_free(params) }

    guard let context = EVP_PKEY_CTX_new_from_name(nil, "RSA", nil) else {
      throw CryptoError.drain("EVP_PKEY_CTX_new_from_name")
    }
    defer { EVP_PKEY_CTX_free(context) }
    guard EVP_PKEY_fromdata_init(context) == 1 else { throw CryptoError.drain("EVP_PKEY_fromdata_init") }
    var key: OpaquePointer? = nil
    guard EVP_PKEY_fromdata(context, &key, gh_EVP_PKEY_PUBLIC_KEY(), params) == 1, let key else {
      throw CryptoError.drain("EVP_PKEY_fromdata")
    }
    guard let template = EVP_MD_CTX_new() else {
      EVP_PKEY_free(key)
      throw CryptoError.drain("EVP_MD_CTX_new")
    }
    guard EVP_DigestVerifyInit(template, nil, Algorithms.shared.sha256, nil, key) == 1 else {
      EVP_MD_CTX_free(template)
      EVP_PKEY_free(key)
      throw CryptoError.drain("EVP_DigestVerifyInit")
    }
    let pss: OpaquePointer
    do {
      pss = try RSAPublicKey.makePSSTemplate(key)
    } catch {
      EVP_MD_CTX_free(template)
      EVP_PKEY_free(key)
      throw error
    }
    self.pkey = key
    self.verifyTemplate = template
    self.pssTemplate = pss
    self.bits = Int(EVP_PKEY_get_bits(key))
    self.modulusBytes = Int(EVP_PKEY_get_size(key))
  }

  deinit {
    EVP_MD_CTX_free(pssTemplate)
    EVP_MD_CTX_free(verifyTemplate)
    EVP_PKEY_free(pkey)
  }

  /// An `EVP_MD_CTX` ready to verify PS256 with `key` (RFC 7518 §3.5: SHA-256, MGF1 with
  /// SHA-256, salt as long as the hash — enforced, not auto-detected).
  private static func makePSSTemplate(_ key: OpaquePointer) throws(CryptoError) -> OpaquePointer {
    guard let template = EVP_MD_CTX_new() else { throw CryptoError.drain("EVP_MD_CTX_new") }
    var keyContext: OpaquePointer? = nil
    let sha256 = Algorithms.shared.sha256
    guard EVP_DigestVerifyInit(template, &keyContext, sha256, nil, key) == 1, let keyContext,
      EVP_PKEY_CTX_set_rsa_padding(keyContext, RSA_PKCS1_PSS_PADDING) == 1,
      EVP_PKEY_CTX_set_rsa_mgf1_md(keyContext, sha256) == 1,
      EVP_PKEY_CTX_set_rsa_pss_saltlen(keyContext, 32) == 1
    else {
      EVP_MD_CTX_free(template)
      throw CryptoError.drain("EVP_DigestVerifyInit(PSS)")
    }
    return template
  }

  /// `OSSL_PKEY_PARAM_RSA_N` is "n" and `OSSL_PKEY_PARAM_RSA_E` is "e" (core_names.h).
  private static func cString(_ text: StaticString) -> UnsafePointer<CChar> {
    UnsafeRawPointer(text.utf8Start).assumingMemoryBound(to: CChar.self)
  }
}
