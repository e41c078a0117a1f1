import Crypto

/// One response's CSRF token before its base64url text: mask ‖ (mask XOR base), the 64 bytes
/// `CSRFToken.make(base:mask:)` encodes, held inline (no allocation). The text is written
/// straight into the upstream request (`withText`), so a request pays no `String` for it.
public struct MaskedCSRFToken: Sendable {
  public static let byteCount = 2 * CSRFToken.baseByteCount
  private var bytes: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (
    0, 0, 0, 0, 0, 0, 0, 0
  )

  /// `base`: `CSRFToken.base(secret:generation:)`; `mask`: 32 fresh random bytes.
  public init(base: [UInt8], mask: UnsafeBufferPointer<UInt8>) {
    let half = CSRFToken.baseByteCount
    precondition(mask.count == half && base.count == half)
    withUnsafeMutableBytes(of: &bytes) { raw in
      base.withUnsafeBufferPointer { base in
        for i in 0..<half {
          raw[i] = mask[i]
          raw[half + i] = mask[i] ^ base[i]
        }
      }
    }
  }

  /// The token's text (`CSRFToken.encodedLength` bytes) lent to `body` from the stack.
  public func withText(_ body: (UnsafeRawBufferPointer) -> Bool) -> Bool {
    withUnsafeBytes(of: bytes) { raw in
      withUnsafeTemporaryAllocation(of: UInt8.self, capacity: CSRFToken.encodedLength) { text in
        let count = Base64URL.encode(raw.assumingMemoryBound(to: UInt8.self), into: text.baseAddress!)
        return body(UnsafeRawBufferPointer(start: text.baseAddress, count: count))
      }
    }
  }

  /// Writes the token's text (`CSRFToken.encodedLength` bytes) at `out`; answers the count.
  public func write(into out: UnsafeMutablePointer<UInt8>) -> Int {
    withUnsafeBytes(of: bytes) { Base64URL.encode($0.assumingMemoryBound(to: UInt8.self), into: out) }
  }

  /// The token as text (tests).
  public var text: String {
    var out = ""
    _ = withText {
      out = String(decoding: $0, as: UTF8.self); return true
    }
    return out
  }
}
