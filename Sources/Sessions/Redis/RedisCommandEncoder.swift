/// Writes commands in the Redis protocol (RESP: `*<argc>\r\n` then `$<length>\r\n<bytes>\r\n`
/// per argument) for `redisAsyncFormattedCommand`, into one buffer owned by an adapter and
/// reused for every command it sends: no allocation once the buffer reached the largest command
/// seen, and none of hiredis' own formatting (`redisFormatSdsCommandArgv` builds each command
/// with `sdscatfmt` and grows it argument by argument — most of a lookup's send cost before).
/// Binary-safe. The command is followed by a NUL that its length does not count: hiredis scans
/// a formatted command with `strchr` to find a `SUBSCRIBE`'s channels, which stops only there
/// (its own formatting leaves the NUL of an sds). Loop-thread only.
struct RedisCommandEncoder: ~Copyable {
  private var buffer: UnsafeMutablePointer<UInt8>
  private var capacity: Int

  init() {
    capacity = 1024
    buffer = .allocate(capacity: capacity)
  }

  deinit { buffer.deallocate() }

  /// Calls `body` with the encoded command, valid only during the call (hiredis copies it).
  mutating func encode<R>(_ args: [[UInt8]], _ body: (UnsafePointer<CChar>, Int) -> R) -> R {
    var needed = 1 + 20 + 2 + 1
    for arg in args { needed += 1 + 20 + 2 + arg.count + 2 }
    if needed > capacity {
      buffer.deallocate()
      capacity = max(needed, capacity * 2)
      buffer = .allocate(capacity: capacity)
    }
    var at = 0
    put(UInt8(ascii: "*"), args.count, at: &at)
    for arg in args {
      put(UInt8(ascii: "$"), arg.count, at: &at)
      arg.withUnsafeBufferPointer { bytes in
        if let base = bytes.baseAddress, bytes.count > 0 {
          (buffer + at).update(from: base, count: bytes.count)
        }
      }
      at += arg.count
      buffer[at] = 13
      buffer[at + 1] = 10
      at += 2
    }
    buffer[at] = 0
    return buffer.withMemoryRebound(to: CChar.self, capacity: at) { body($0, at) }
  }

  /// `<marker><decimal>\r\n`.
  private func put(_ marker: UInt8, _ value: Int, at: inout Int) {
    buffer[at] = marker
    at += 1
    var digits = 1
    var rest = value / 10
    while rest > 0 {
      digits += 1
      rest /= 10
    }
    var remaining = value
    var index = at + digits
    repeat {
      index -= 1
      buffer[index] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: remaining % 10)
      remaining /= 10
    } while index > at
    at += digits
    buffer[at] = 13
    buffer[at + 1] = 10
    at += 2
  }
}
