import COpenSSL

/// An EC public key on P-256 or P-384: owns one OpenSSL `EVP_PKEY`, freed in `deinit`.
///
/// Immutable and thread-safe, like `RSAPublicKey`: an `EVP_MD_CTX` initialised once for this key
/// and the curve's digest is copied by each verification (`ECPublicKey+Verify.swift`). Build one
/// per JWK when a key set is loaded and share it.
public final class ECPublicKey: @unchecked Sendable {
  /// Owned; freed in `deinit`. Never mutated.
  let pkey: OpaquePointer
  /// Set up once by `EVP_DigestVerifyInit` (the curve's digest, this key); only ever copied.
  /// Owned; freed in `deinit`.
  let verifyTemplate: OpaquePointer
  public let curve: ECCurve

  /// Builds the key from the affine coordinates `x` and `y` (JWK `x`/`y` after base64url
  /// decoding), which must be exactly `curve.coordinateBytes` long each (RFC 7518 §6.2.1.2) and
  /// name a point on the curve: OpenSSL refuses a point off the curve when decoding it, and
  /// `EVP_PKEY_public_check` confirms it (and that it is not the point at infinity).
  public init(curve: ECCurve, x: [UInt8], y: [UInt8]) throws(CryptoError) {
    guard x.count == curve.coordinateBytes, y.count == curve.coordinateBytes else {
      throw CryptoError(
        call: "\(curve.rawValue) coordinates must be \(curve.coordinateBytes) bytes each", openSSLErrors: [])
    }
    let point = [0x04] + x + y  // SEC 1 §2.3.3 uncompressed point
    let key = try ECPublicKey.makeKey(curve: curve, point: point)
    guard let checker = EVP_PKEY_CTX_new_from_pkey(nil, key, nil) else {
      EVP_PKEY_free(key)
      throw CryptoError.drain("EVP_PKEY_CTX_new_from_pkey")
    }
    let onCurve = EVP_PKEY_public_check(checker) == 1
    EVP_PKEY_CTX_free(checker)
    guard onCurve else {
      EVP_PKEY_free(key)
      throw CryptoError.drain("EVP_PKEY_public_check")
    }
    guard let template = EVP_MD_CTX_new() else {
      EVP_PKEY_free(key)
      throw CryptoError.drain("EVP_MD_CTX_new")
    }
    guard EVP_DigestVerifyInit(template, nil, curve.digest, nil, key) == 1 else {
      EVP_MD_CTX_free(template)
      EVP_PKEY_free(key)
      throw CryptoError.drain("EVP_DigestVerifyInit")
    }
    self.pkey = key
    self.verifyTemplate = template
    self.curve = curve
  }

  deinit {
    EVP_MD_CTX_free(verifyTemplate)
    EVP_PKEY_free(pkey)
  }

  /// `EVP_PKEY_fromdata` with `group` and `pub` (the uncompressed point); the caller owns the key.
  private static func makeKey(curve: ECCurve, point: [UInt8]) throws(CryptoError) -> OpaquePointer {
    guard let builder = OSSL_PARAM_BLD_new() else { throw CryptoError.drain("OSSL_PARAM_BLD_new") }
    defer { OSSL_PARAM_BLD_free(builder) }
    // The builder keeps the name and value pointers until OSSL_PARAM_BLD_to_param: immortal
    // static strings, and `point`'s bytes are pinned until the parameters are built.
    let built: UnsafeMutablePointer<OSSL_PARAM>? = point.withUnsafeBytes { bytes in
      guard OSSL_PARAM_BLD_push_utf8_string(builder, cString("group"), cString(curve.groupName), 0) == 1,
        OSSL_PARAM_BLD_push_octet_string(builder, cString("pub"), bytes.baseAddress, bytes.count) == 1
      else { return nil }
      return OSSL_PARAM_BLD_to_param(builder)
    }
    guard let params = built else { throw CryptoError.drain("OSSL_PARAM_BLD") }
    defer { OSSL_PARAM_free(params) }
    guard let context = EVP_PKEY_CTX_new_from_name(nil, "EC", nil) else {
      throw CryptoError.drain("EVP_PKEY_CTX_new_from_name")
    }
    defer { EVP_PKEY_CTX_free(context) }
    guard EVP_PKEY_fromdata_init(context) == 1 else { throw CryptoError.drain("EVP_PKEY_fromdata_init") }
    var key: OpaquePointer? = nil
    guard EVP_PKEY_fromdata(context, &key, gh_EVP_PKEY_PUBLIC_KEY(), params) == 1, let key else {
      throw CryptoError.drain("EVP_PKEY_fromdata")
    }
    return key
  }

  private static func cString(_ text: StaticString) -> UnsafePointer<CChar> {
    UnsafeRawPointer(text.utf8Start).assumingMemoryBound(to: CChar.self)
  }
}
