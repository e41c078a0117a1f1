import COpenSSL

extension ECPublicKey {
  /// Verifies an ES256 / ES384 signature (RFC 7518 §3.4) over `message`: `signature` is the JOSE
  /// `r || s`, exactly `2 * curve.coordinateBytes` bytes — anything else (a DER signature, a
  /// truncated one) is refused before OpenSSL sees it. Converted to DER on the stack for
  /// OpenSSL. Any failure is `false`; this thread's OpenSSL error queue is emptied.
  /// Thread-safe (a copy of the read-only template per call, as `RSAPublicKey.verifyRS256`).
  public func verify(message: UnsafeRawBufferPointer, signature: UnsafeRawBufferPointer) -> Bool {
    guard signature.count == 2 * curve.coordinateBytes else { return false }
    return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: ECDSASignatureEncoding.maxDERBytes) {
      der in
      let derCount = ECDSASignatureEncoding.der(fromJOSE: signature, into: der.baseAddress!)
      return OpenSSLVerify.withTemplate(
        verifyTemplate, message: message,
        signature: UnsafeRawBufferPointer(start: der.baseAddress!, count: derCount))
    }
  }

  /// Array convenience for `verify(message:signature:)`.
  public func verify(message: [UInt8], signature: [UInt8]) -> Bool {
    message.withUnsafeBytes { m in signature.withUnsafeBytes { s in verify(message: m, signature: s) } }
  }
}

/// One-shot `EVP_DigestVerify` on a private copy of a key's template context.
enum OpenSSLVerify {
  static func withTemplate(
    _ template: OpaquePointer, message: UnsafeRawBufferPointer, signature: UnsafeRawBufferPointer
  ) -> Bool {
    guard let signatureBase = signature.baseAddress, let context = EVP_MD_CTX_new() else {
      OpenSSLErrorQueue.clear()
      return false
    }
    defer { EVP_MD_CTX_free(context) }
    guard EVP_MD_CTX_copy_ex(context, template) == 1 else {
      OpenSSLErrorQueue.clear()
      return false
    }
    EVP_MD_CTX_set_flags(context, EVP_MD_CTX_FLAG_FINALISE)
    return digestVerify(context, message: message, signature: signatureBase, count: signature.count)
  }

  /// `EVP_DigestVerify` on a ready context; clears the error queue on failure.
  static func digestVerify(
    _ context: OpaquePointer, message: UnsafeRawBufferPointer, signature: UnsafeRawPointer, count: Int
  ) -> Bool {
    // EVP_DigestVerify wants a non-null pointer even for an empty message.
    var empty: UInt8 = 0
    let result = withUnsafePointer(to: &empty) { emptyPointer in
      EVP_DigestVerify(
        context, signature.assumingMemoryBound(to: UInt8.self), count,
        message.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? emptyPointer, message.count)
    }
    if result != 1 { OpenSSLErrorQueue.clear() }
    return result == 1
  }
}
