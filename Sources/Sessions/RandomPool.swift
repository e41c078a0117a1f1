import Crypto

/// Bytes from the kernel CSPRNG (`SecureRandom`), fetched in batches so a per-request need
/// (CSRF token masks) costs a copy, not a system call. Loop-thread only (one per authenticator).
public final class RandomPool {
  private var buffer: [UInt8] = []
  private var offset = 0
  private let batch: Int

  public init(batch: Int = 4096) { self.batch = batch }

  /// `count` fresh bytes lent to `body` (never lent again), without an array.
  public func withBytes(_ count: Int, _ body: (UnsafeBufferPointer<UInt8>) -> String) -> String {
    if offset + count > buffer.count {
      buffer = SecureRandom.bytes(max(batch, count))
      offset = 0
    }
    defer { offset += count }
    return buffer.withUnsafeBufferPointer {
      body(UnsafeBufferPointer(rebasing: $0[offset..<(offset + count)]))
    }
  }

  /// A CSRF token masked with fresh bytes from the pool (no allocation).
  public func maskedToken(base: [UInt8]) -> MaskedCSRFToken {
    let count = CSRFToken.baseByteCount
    if offset + count > buffer.count {
      buffer = SecureRandom.bytes(max(batch, count))
      offset = 0
    }
    defer { offset += count }
    return buffer.withUnsafeBufferPointer {
      MaskedCSRFToken(base: base, mask: UnsafeBufferPointer(rebasing: $0[offset..<(offset + count)]))
    }
  }

  public func take(_ count: Int) -> [UInt8] {
    if offset + count > buffer.count {
      buffer = SecureRandom.bytes(max(batch, count))
      offset = 0
    }
    defer { offset += count }
    return Array(buffer[offset..<(offset + count)])
  }
}
