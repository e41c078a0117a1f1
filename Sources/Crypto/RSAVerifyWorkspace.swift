import COpenSSL

/// The scratch numbers of RS256 verification on one thread: OpenSSL's `BN_CTX` (its pool of
/// temporaries) and the two integers of RSAVP1, kept from one verification to the next so that a
/// verification allocates nothing once they have grown to the modulus size.
///
/// Not thread-safe: one per thread. A worker owns one and passes it to every verification on its
/// loop; `RSAPublicKey.verifyRS256(message:signature:)` makes a temporary one.
public final class RSAVerifyWorkspace {
  /// `BN_CTX`; owned.
  let numbers: OpaquePointer
  /// The signature representative `s`; owned.
  let signature: OpaquePointer
  /// The message representative `m = s^e mod n`; owned.
  let message: OpaquePointer
  /// `s` in Montgomery form; owned.
  let signatureMontgomery: OpaquePointer

  public init() {
    // Allocation failure is the only way these fail.
    guard let numbers = BN_CTX_new(), let signature = BN_new(), let message = BN_new(),
      let signatureMontgomery = BN_new()
    else {
      preconditionFailure("BN_CTX_new/BN_new: \(OpenSSLErrorQueue.drain())")
    }
    self.numbers = numbers
    self.signature = signature
    self.message = message
    self.signatureMontgomery = signatureMontgomery
  }

  deinit {
    BN_free(signatureMontgomery)
    BN_free(message)
    BN_free(signature)
    BN_CTX_free(numbers)
  }
}
