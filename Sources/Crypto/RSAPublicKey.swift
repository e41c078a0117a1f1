import COpenSSL

/// An RSA public key: owns one OpenSSL `EVP_PKEY`, freed in `deinit`.
///
/// Immutable and thread-safe: nothing is modified after construction, and OpenSSL allows
/// unmodified keys, numbers and Montgomery contexts to be read by many threads at once
/// (openssl-threads(7)); each verification brings its own scratch (`RSAVerifyWorkspace`, or its
/// own copy of `pssTemplate`). Build one per JWK when a key set is loaded and share it — building
/// a key costs about as much as a verification.
public final class RSAPublicKey: @unchecked Sendable {
  /// Owned; freed in `deinit`. Never mutated.
  let pkey: OpaquePointer
  /// `n` and `e` as `BIGNUM`s for RS256's public-key operation (`RSAPublicKey+RS256.swift`).
  /// Owned; freed in `deinit`. Never mutated.
  let modulus: OpaquePointer
  let exponent: OpaquePointer
  /// `n`'s Montgomery context, made once (OpenSSL's RSA code caches the same in the key, behind
  /// a lock). Nil when OpenSSL's own checks would refuse every verification with this key (an
  /// even modulus, `e >= n`, over 16,384 bits, or an exponent over 64 bits with a modulus over
  /// 3,072 bits — `rsa_ossl_public_decrypt`'s limits): then RS256 never verifies. Owned.
  let montgomery: OpaquePointer?
  /// The EMSA-PKCS1-v1_5 encoding of an RS256 signature's message for this modulus, all but the
  /// trailing SHA-256 digest (`rs256EncodingPrefix`).
  let rs256Prefix: [UInt8]
  /// An `EVP_MD_CTX` set up once for PS256 (RSASSA-PSS, SHA-256, MGF1-SHA-256, 32-byte salt), used the same way.
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
    guard let n = modulus.withUnsafeBufferPointer({ BN_bin2bn($0.baseAddress, Int32($0.count), nil) }) else {
      throw CryptoError.drain("BN_bin2bn")
    }
    guard let e = exponent.withUnsafeBufferPointer({ BN_bin2bn($0.baseAddress, Int32($0.count), nil) }) else {
      BN_free(n)
      throw CryptoError.drain("BN_bin2bn")
    }
    var keep = false
    defer {
      if !keep {
        BN_free(e)
        BN_free(n)
      }
    }

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
    let pss: OpaquePointer
    do {
      pss = try RSAPublicKey.makePSSTemplate(key)
    } catch {
      EVP_PKEY_free(key)
      throw error
    }
    keep = true
    self.pkey = key
    self.pssTemplate = pss
    self.modulus = n
    self.exponent = e
    self.montgomery = RSAPublicKey.makeMontgomery(n, e)
    self.bits = Int(EVP_PKEY_get_bits(key))
    self.modulusBytes = Int(EVP_PKEY_get_size(key))
    self.rs256Prefix = RSAPublicKey.rs256EncodingPrefix(modulusBytes: modulusBytes)
  }

  deinit {
    if let montgomery { BN_MONT_CTX_free(montgomery) }
    BN_free(exponent)
    BN_free(modulus)
    EVP_MD_CTX_free(pssTemplate)
    EVP_PKEY_free(pkey)
  }

  /// `n`'s Montgomery context, or nil when OpenSSL's RSA public operation would refuse the key
  /// (see `montgomery`).
  private static func makeMontgomery(_ n: OpaquePointer, _ e: OpaquePointer) -> OpaquePointer? {
    let bits = BN_num_bits(n)
    guard BN_is_odd(n) == 1, BN_ucmp(n, e) > 0, bits <= 16_384, bits <= 3_072 || BN_num_bits(e) <= 64,
      let context = BN_CTX_new()
    else { return nil }
    defer { BN_CTX_free(context) }
    guard let montgomery = BN_MONT_CTX_new() else { return nil }
    guard BN_MONT_CTX_set(montgomery, n, context) == 1 else {
      BN_MONT_CTX_free(montgomery)
      OpenSSLErrorQueue.clear()
      return nil
    }
    return montgomery
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
