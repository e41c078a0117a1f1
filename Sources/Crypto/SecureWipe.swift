import COpenSSL

/// Overwrites key material with zeros before its memory goes back to the allocator, in a way the
/// compiler cannot drop as a dead store (`OPENSSL_cleanse`).
public enum SecureWipe {
  public static func bytes(_ bytes: inout [UInt8]) {
    let count = bytes.count
    guard count > 0 else { return }
    bytes.withUnsafeMutableBytes { OPENSSL_cleanse($0.baseAddress, count) }
  }
}
