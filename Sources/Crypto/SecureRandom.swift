import COpenSSL

/// Cryptographically secure random bytes from OpenSSL's DRBG (seeded from `getrandom`).
/// Thread-safe: OpenSSL 3 keeps one DRBG per thread.
public enum SecureRandom {
  /// `count` random bytes. Stops the process if the DRBG cannot produce them: continuing with
  /// predictable session ids or nonces would be worse than crashing.
  public static func bytes(_ count: Int) -> [UInt8] {
    precondition(count >= 0)
    var out = [UInt8](repeating: 0, count: count)
    if count == 0 { return out }
    let ok = out.withUnsafeMutableBufferPointer { RAND_bytes($0.baseAddress, Int32($0.count)) }
    precondition(ok == 1, "RAND_bytes: \(OpenSSLErrorQueue.drain())")
    return out
  }

  /// A random UInt64 (for jitter and seeds, not for keys).
  public static func uint64() -> UInt64 {
    bytes(8).reduce(0) { $0 << 8 | UInt64($1) }
  }
}
