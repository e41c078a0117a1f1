import COpenSSL

/// An OpenSSL call that failed: the call's name and the drained OpenSSL error queue.
///
/// Immutable. The error queue is per thread in OpenSSL, so it is drained on the thread that saw
/// the failure (right after the failing call) and never leaks into the next operation.
public struct CryptoError: Error, Sendable, CustomStringConvertible {
  /// The OpenSSL function (or the check) that failed, e.g. `EVP_PKEY_fromdata`.
  public let call: String
  /// `ERR_error_string_n` texts, oldest first; empty when OpenSSL queued nothing.
  public let openSSLErrors: [String]

  public init(call: String, openSSLErrors: [String]) {
    self.call = call
    self.openSSLErrors = openSSLErrors
  }

  /// Builds the error for `call` and empties this thread's OpenSSL error queue into it.
  static func drain(_ call: String) -> CryptoError {
    CryptoError(call: call, openSSLErrors: OpenSSLErrorQueue.drain())
  }

  public var description: String {
    openSSLErrors.isEmpty ? "\(call) failed" : "\(call): \(openSSLErrors.joined(separator: "; "))"
  }
}

/// This thread's OpenSSL error queue.
enum OpenSSLErrorQueue {
  /// Removes every queued error and returns their texts, oldest first.
  static func drain() -> [String] {
    var texts: [String] = []
    while true {
      let code = ERR_get_error()
      if code == 0 { break }
      var buffer = [CChar](repeating: 0, count: 256)
      buffer.withUnsafeMutableBufferPointer { ERR_error_string_n(code, $0.baseAddress, $0.count) }
      let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
      texts.append(String(decoding: bytes, as: UTF8.self))
    }
    return texts
  }

  /// Drops queued errors without formatting them (after an expected failure such as a bad signature).
  static func clear() { ERR_clear_error() }
}
