import COpenSSL

/// A private signing key: owns one OpenSSL `EVP_PKEY`, freed in `deinit`. Loaded from PEM
/// (PKCS#8 or the traditional `EC`/`RSA` forms) or generated. Immutable after init and
/// thread-safe: OpenSSL allows an unmodified `EVP_PKEY` to be used by many threads at once, and
/// each `sign` builds its own context (`PrivateKey+Sign.swift`).
///
/// Only the key types Gatehouse signs JWSs with load: EC P-256 and P-384, Ed25519, and RSA of at
/// least 2048 bits. The public half is exported once at init as `publicJWK`.
public final class PrivateKey: @unchecked Sendable {
  public enum KeyType: Sendable, Equatable {
    case ec(ECCurve)
    case ed25519
    case rsa(bits: Int)
  }

  /// The key types `generate` can make (for "no key configured": fast to generate, small to publish).
  public enum GeneratedType: Sendable {
    case ecP256
    case ed25519
  }

  /// RSA keys under this size are refused (NIST SP 800-57: 112-bit security).
  public static let minimumRSABits = 2048

  /// Owned; freed in `deinit`. Never mutated.
  let pkey: OpaquePointer
  public let type: KeyType
  public let publicJWK: PublicJWK

  /// Loads the first private key in `pem`; refuses encrypted keys (no passphrase prompt) and key
  /// types Gatehouse cannot sign with.
  public convenience init(pem: [UInt8]) throws(CryptoError) {
    guard !pem.isEmpty, pem.count <= Int(Int32.max) else {
      throw CryptoError(call: "PEM private key is empty", openSSLErrors: [])
    }
    let loaded: OpaquePointer? = pem.withUnsafeBytes { bytes in
      guard let bio = BIO_new_mem_buf(bytes.baseAddress, Int32(bytes.count)) else { return nil }
      defer { BIO_free(bio) }
      // A null password callback with a non-null (empty) user password makes an encrypted key
      // fail instead of prompting on the terminal.
      return "".withCString { PEM_read_bio_PrivateKey(bio, nil, nil, UnsafeMutableRawPointer(mutating: $0)) }
    }
    guard let loaded else { throw CryptoError.drain("PEM_read_bio_PrivateKey") }
    try self.init(owning: loaded)
  }

  public convenience init(pem: String) throws(CryptoError) { try self.init(pem: Array(pem.utf8)) }

  /// A fresh random key of `type`.
  public static func generate(_ type: GeneratedType) throws(CryptoError) -> PrivateKey {
    let name: String
    switch type {
    case .ecP256: name = "EC"
    case .ed25519: name = "ED25519"
    }
    guard let context = EVP_PKEY_CTX_new_from_name(nil, name, nil) else {
      throw CryptoError.drain("EVP_PKEY_CTX_new_from_name")
    }
    defer { EVP_PKEY_CTX_free(context) }
    guard EVP_PKEY_keygen_init(context) == 1 else { throw CryptoError.drain("EVP_PKEY_keygen_init") }
    if type == .ecP256 {
      guard EVP_PKEY_CTX_set_group_name(context, "P-256") == 1 else {
        throw CryptoError.drain("EVP_PKEY_CTX_set_group_name")
      }
    }
    var key: OpaquePointer? = nil
    guard EVP_PKEY_generate(context, &key) == 1, let key else { throw CryptoError.drain("EVP_PKEY_generate") }
    return try PrivateKey(owning: key)
  }

  /// Takes ownership of `key` (freed here if the type is refused).
  private init(owning key: OpaquePointer) throws(CryptoError) {
    do {
      let type = try PrivateKey.keyType(key)
      self.type = type
      self.publicJWK = try PrivateKey.exportPublic(key, type)
      self.pkey = key
    } catch {
      EVP_PKEY_free(key)
      throw error
    }
  }

  deinit { EVP_PKEY_free(pkey) }

  private static func keyType(_ key: OpaquePointer) throws(CryptoError) -> KeyType {
    switch EVP_PKEY_get_base_id(key) {
    case EVP_PKEY_EC:
      var name = [CChar](repeating: 0, count: 64)
      var length = 0
      guard EVP_PKEY_get_utf8_string_param(key, "group", &name, name.count, &length) == 1 else {
        throw CryptoError.drain("EVP_PKEY_get_utf8_string_param(group)")
      }
      let group = String(decoding: name.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
      guard let curve = ECCurve(openSSLGroupName: group) else {
        throw CryptoError(call: "EC curve \(group) is not P-256 or P-384", openSSLErrors: [])
      }
      return .ec(curve)
    case EVP_PKEY_ED25519:
      return .ed25519
    case EVP_PKEY_RSA:
      let bits = Int(EVP_PKEY_get_bits(key))
      guard bits >= minimumRSABits else {
        throw CryptoError(call: "RSA key has \(bits) bits, under \(minimumRSABits)", openSSLErrors: [])
      }
      return .rsa(bits: bits)
    default:
      throw CryptoError(call: "key type is not EC, Ed25519 or RSA", openSSLErrors: [])
    }
  }

  private static func exportPublic(_ key: OpaquePointer, _ type: KeyType) throws(CryptoError) -> PublicJWK {
    switch type {
    case .ec(let curve):
      let x = try bignum(key, "qx", padTo: curve.coordinateBytes)
      let y = try bignum(key, "qy", padTo: curve.coordinateBytes)
      return .ec(curve: curve, x: x, y: y)
    case .ed25519:
      var x = [UInt8](repeating: 0, count: 32)
      var length = x.count
      guard EVP_PKEY_get_raw_public_key(key, &x, &length) == 1, length == 32 else {
        throw CryptoError.drain("EVP_PKEY_get_raw_public_key")
      }
      return .ed25519(x: x)
    case .rsa:
      return .rsa(modulus: try bignum(key, "n", padTo: 0), exponent: try bignum(key, "e", padTo: 0))
    }
  }

  /// The big-endian bytes of the key's BIGNUM parameter `name`, left-padded to `padTo` bytes
  /// (0: minimal, no leading zeros).
  private static func bignum(_ key: OpaquePointer, _ name: String, padTo: Int) throws(CryptoError) -> [UInt8]
  {
    var value: OpaquePointer? = nil
    guard EVP_PKEY_get_bn_param(key, name, &value) == 1, let value else {
      throw CryptoError.drain("EVP_PKEY_get_bn_param(\(name))")
    }
    defer { BN_free(value) }
    let count = padTo > 0 ? padTo : Int(gh_BN_num_bytes(value))
    var out = [UInt8](repeating: 0, count: count)
    guard BN_bn2binpad(value, &out, Int32(count)) == Int32(count) else {
      throw CryptoError.drain("BN_bn2binpad(\(name))")
    }
    return out
  }
}
