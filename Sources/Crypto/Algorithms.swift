import COpenSSL

/// OpenSSL algorithm objects fetched once per process and shared by every thread.
///
/// OpenSSL 3.0 takes a lock on every implicit fetch (`EVP_sha256()`, name-based init), which scales
/// badly across threads (openssl#17064, #20286); fetching once and passing the object avoids it.
/// Fetched `EVP_MD`/`EVP_CIPHER` objects are immutable and safe to share (openssl-threads(7)).
/// They are never freed: they live as long as the process. Immutable, thread-safe.
final class Algorithms: @unchecked Sendable {
  let sha256: OpaquePointer
  let sha384: OpaquePointer
  let aes256GCM: OpaquePointer

  /// Swift initialises a global `let` exactly once, thread-safely (swift_once).
  static let shared = Algorithms()

  private init() {
    guard let md = EVP_MD_fetch(nil, "SHA256", nil) else {
      fatalError("EVP_MD_fetch(SHA256): \(OpenSSLErrorQueue.drain())")
    }
    guard let md384 = EVP_MD_fetch(nil, "SHA384", nil) else {
      fatalError("EVP_MD_fetch(SHA384): \(OpenSSLErrorQueue.drain())")
    }
    guard let cipher = EVP_CIPHER_fetch(nil, "AES-256-GCM", nil) else {
      fatalError("EVP_CIPHER_fetch(AES-256-GCM): \(OpenSSLErrorQueue.drain())")
    }
    sha256 = md
    sha384 = md384
    aes256GCM = cipher
  }
}
