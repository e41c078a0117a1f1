import COpenSSL

/// HMAC-SHA256 (RFC 2104) through OpenSSL's one-shot `HMAC()`. Stateless, thread-safe.
public enum HMACSHA256 {
  /// Tag length in bytes.
  public static let byteCount = 32

  /// The 32-byte tag of `message` under `key` (any key length; long keys are hashed per RFC 2104).
  public static func authenticate(key: [UInt8], message: [UInt8]) -> [UInt8] {
    var out = [UInt8](repeating: 0, count: byteCount)
    var length: UInt32 = 0
    let result = key.withUnsafeBufferPointer { keyBuffer in
      message.withUnsafeBufferPointer { messageBuffer in
        out.withUnsafeMutableBufferPointer { outBuffer in
          // A zero-length key still needs a non-null pointer for OpenSSL.
          var empty: UInt8 = 0
          return withUnsafePointer(to: &empty) { emptyPointer in
            HMAC(
              Algorithms.shared.sha256, UnsafeRawPointer(keyBuffer.baseAddress ?? emptyPointer),
              Int32(keyBuffer.count), messageBuffer.baseAddress ?? emptyPointer, messageBuffer.count,
              outBuffer.baseAddress, &length)
          }
        }
      }
    }
    precondition(result != nil && length == UInt32(byteCount), "HMAC: \(OpenSSLErrorQueue.drain())")
    return out
  }
}
