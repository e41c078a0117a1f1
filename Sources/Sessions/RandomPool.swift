import Crypto

/// Bytes from the kernel CSPRNG (`SecureRandom`), fetched in batches so a per-request need
/// (CSRF token masks) costs a copy, not a system call. Loop-thread only (one per authenticator).
public final class RandomPool {
  private var buffer: [UInt8] = []
  private var offset = 0
  private let batch: Int

  public init(batch: Int = 4096) { self.batch = batch }

  public func take(_ count: Int) -> [UInt8] {
    if offset + count > buffer.count {
      buffer = SecureRandom.bytes(max(batch, count))
      offset = 0
    }
    defer { offset += count }
    return Array(buffer[offset..<(offset + count)])
  }
}
