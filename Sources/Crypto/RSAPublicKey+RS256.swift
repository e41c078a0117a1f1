import COpenSSL

extension RSAPublicKey {
  /// Verifies an RS256 signature (RSASSA-PKCS1-v1_5 with SHA-256, RFC 7518 §3.3) given the
  /// SHA-256 `digest` of the signed message, with the public-key operation alone and the
  /// encode-and-compare method of RFC 8017 §8.2.2: the signature must be exactly `modulusBytes`
  /// long and, as an integer, below the modulus (RSAVP1); `m = s^e mod n` (the key's Montgomery
  /// form, made once) is written out as `modulusBytes` bytes and compared, in constant time,
  /// with the one correct encoding `00 01 FF…FF 00 DigestInfo(SHA-256) digest`. No padding is
  /// parsed, so no lax parse can accept a forged encoding.
  ///
  /// OpenSSL's `EVP_DigestVerify` does the same arithmetic, but around it duplicates the key's
  /// `EVP_PKEY_CTX` and provider context, allocates its numbers and the decoded block, parses
  /// the padding and re-encodes the DigestInfo — ~20 % of a verification (docs/performance.md,
  /// "JWT, round 4: a new token every request").
  ///
  /// `workspace` is the calling thread's (one per thread). Any failure is `false`; the thread's
  /// OpenSSL error queue is emptied.
  public func verifyRS256(
    digest: UnsafeRawBufferPointer, signature: UnsafeRawBufferPointer, workspace: RSAVerifyWorkspace
  ) -> Bool {
    guard let montgomery, digest.count == SHA256.byteCount, signature.count == modulusBytes,
      rs256Prefix.count + SHA256.byteCount == modulusBytes, let digestBase = digest.baseAddress,
      let signatureBase = signature.baseAddress
    else { return false }
    let s = workspace.signature
    let m = workspace.message
    guard BN_bin2bn(signatureBase.assumingMemoryBound(to: UInt8.self), Int32(signature.count), s) != nil
    else {
      OpenSSLErrorQueue.clear()
      return false
    }
    // RSAVP1 step 1: a representative at or above n is refused, not reduced.
    guard BN_ucmp(s, modulus) < 0 else { return false }
    guard publicOperation(m, s, montgomery, workspace) else {
      OpenSSLErrorQueue.clear()
      return false
    }
    let count = modulusBytes
    return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: count) { buffer in
      let encoded = buffer.baseAddress!
      // I2OSP(m, k): m < n fits in k bytes.
      guard BN_bn2binpad(m, encoded, Int32(count)) == Int32(count) else {
        OpenSSLErrorQueue.clear()
        return false
      }
      let prefixCount = rs256Prefix.count
      let prefixDifference = rs256Prefix.withUnsafeBytes {
        ConstantTime.difference(UnsafeRawPointer(encoded), $0.baseAddress!, count: prefixCount)
      }
      let digestDifference = ConstantTime.difference(
        UnsafeRawPointer(encoded + prefixCount), digestBase, count: SHA256.byteCount)
      return prefixDifference | digestDifference == 0
    }
  }

  /// `m = s^e mod n` (RSAVP1 step 2) on the key's Montgomery context: `s` into Montgomery form,
  /// then left-to-right square-and-multiply over `e`'s bits, where the last multiplication (`e`
  /// is odd) is by plain `s` — a Montgomery product of `s^(e-1)·R` and `s` is `s^e` itself, out of
  /// Montgomery form with no conversion back. For e = 65537 that is 18 Montgomery products
  /// where `BN_mod_exp_mont` does 19 (the conversion back). An even or 1 exponent (no JWK we
  /// accept has one) goes to `BN_mod_exp_mont`.
  private func publicOperation(
    _ m: OpaquePointer, _ s: OpaquePointer, _ montgomery: OpaquePointer, _ workspace: RSAVerifyWorkspace
  ) -> Bool {
    let bits = BN_num_bits(exponent)
    guard bits >= 2, BN_is_odd(exponent) == 1 else {
      return BN_mod_exp_mont(m, s, exponent, modulus, workspace.numbers, montgomery) == 1
    }
    let numbers = workspace.numbers
    let base = workspace.signatureMontgomery
    guard BN_to_montgomery(base, s, montgomery, numbers) == 1, BN_copy(m, base) != nil else { return false }
    var bit = bits - 2
    while bit >= 1 {
      guard BN_mod_mul_montgomery(m, m, m, montgomery, numbers) == 1 else { return false }
      if BN_is_bit_set(exponent, bit) == 1 {
        guard BN_mod_mul_montgomery(m, m, base, montgomery, numbers) == 1 else { return false }
      }
      bit -= 1
    }
    return BN_mod_mul_montgomery(m, m, m, montgomery, numbers) == 1
      && BN_mod_mul_montgomery(m, m, s, montgomery, numbers) == 1
  }

  /// Verifies an RS256 signature over `message` (hashes it, then `verifyRS256(digest:…)`).
  /// `workspace` nil: a temporary one (a few allocations).
  public func verifyRS256(
    message: UnsafeRawBufferPointer, signature: UnsafeRawBufferPointer, workspace: RSAVerifyWorkspace? = nil
  ) -> Bool {
    let digest = SHA256Digest(of: message)
    return digest.withUnsafeBytes {
      verifyRS256(digest: $0, signature: signature, workspace: workspace ?? RSAVerifyWorkspace())
    }
  }

  /// Array convenience for `verifyRS256(message:signature:)`.
  public func verifyRS256(message: [UInt8], signature: [UInt8]) -> Bool {
    message.withUnsafeBytes { m in signature.withUnsafeBytes { s in verifyRS256(message: m, signature: s) } }
  }

  /// The EMSA-PKCS1-v1_5 encoding of a SHA-256 digest for a `count`-byte modulus, without the
  /// digest (RFC 8017 §9.2 steps 2–5): `00 01`, `count - 54` bytes `FF` (at least 8), `00`, the
  /// DigestInfo prefix of SHA-256 (§9.2 note 1). Empty when the modulus is too short for it.
  public static func rs256EncodingPrefix(modulusBytes count: Int) -> [UInt8] {
    let digestInfo: [UInt8] = [
      0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00,
      0x04,
      0x20,
    ]
    let padding = count - 3 - digestInfo.count - SHA256.byteCount
    guard padding >= 8 else { return [] }
    return [0x00, 0x01] + [UInt8](repeating: 0xFF, count: padding) + [0x00] + digestInfo
  }
}
