/// Writes commands in the Redis protocol (RESP: `*<argc>\r\n` then `$<length>\r\n<bytes>\r\n`
/// per argument) for `redisAsyncFormattedCommand`, into one buffer owned by an adapter and
/// reused for every command it sends: no allocation once the buffer reached the largest command
/// seen, and none of hiredis' own formatting (`redisFormatSdsCommandArgv` builds each command
/// with `sdscatfmt` and grows it argument by argument — most of a lookup's send cost before).
/// Binary-safe. The command is followed by a NUL that its length does not count: hiredis scans
/// a formatted command with `strchr` to find a `SUBSCRIBE`'s channels, which stops only there
/// (its own formatting leaves the NUL of an sds). Loop-thread only.
///
/// Two ways in: `encode(_:_:)` from argument arrays, or piece by piece (`begin`, `argument`,
/// `bytes`, `endArgument`, then `withCommand`) for a caller that has its arguments in parts —
/// the per-request lookup (`RedisLookupCommands`), which then builds no arrays at all.
struct RedisCommandEncoder: ~Copyable {
  private var buffer: UnsafeMutablePointer<UInt8>
  private var capacity: Int
  /// The length of the command written so far.
  private var length = 0

  init() {
    capacity = 1024
    buffer = .allocate(capacity: capacity)
  }

  deinit { buffer.deallocate() }

  /// Calls `body` with the encoded command, valid only during the call (hiredis copies it).
  mutating func encode<R>(_ args: [[UInt8]], _ body: (UnsafePointer<CChar>, Int) -> R) -> R {
    var bytes = 0
    for arg in args { bytes += arg.count }
    begin(argumentCount: args.count, byteCount: bytes)
    for arg in args {
      arg.withUnsafeBytes { argument($0) }
    }
    return withCommand(body)
  }

  /// Starts a command of `argumentCount` arguments whose parts (argument bytes and any raw
  /// protocol written with `bytes`) total at most `byteCount` bytes.
  mutating func begin(argumentCount: Int, byteCount: Int) {
    begin(headers: 1 + argumentCount, byteCount: byteCount)
    put(UInt8(ascii: "*"), argumentCount)
  }

  /// Starts a command whose `*<argc>\r\n` the caller writes itself, as part of ready-made
  /// protocol (`bytes`): at most `headers` headers written with `argumentHeader` and
  /// `endArgument`s, and parts of at most `byteCount` bytes in all.
  mutating func begin(headers: Int, byteCount: Int) {
    let needed = headers * (1 + 20 + 2 + 2) + byteCount + 1
    if needed > capacity {
      buffer.deallocate()
      capacity = max(needed, capacity * 2)
      buffer = .allocate(capacity: capacity)
    }
    length = 0
  }

  /// One whole argument.
  mutating func argument(_ bytes: UnsafeRawBufferPointer) {
    argumentHeader(length: bytes.count)
    self.bytes(bytes)
    endArgument()
  }

  /// `$<length>\r\n`: an argument whose `length` bytes follow (`bytes`, then `endArgument`).
  mutating func argumentHeader(length: Int) {
    put(UInt8(ascii: "$"), length)
  }

  /// Bytes as they are: part of an argument, or ready-made protocol.
  mutating func bytes(_ bytes: UnsafeRawBufferPointer) {
    guard let base = bytes.baseAddress, bytes.count > 0 else { return }
    UnsafeMutableRawPointer(buffer + length).copyMemory(from: base, byteCount: bytes.count)
    length += bytes.count
  }

  mutating func byte(_ byte: UInt8) {
    buffer[length] = byte
    length += 1
  }

  mutating func endArgument() {
    buffer[length] = 13
    buffer[length + 1] = 10
    length += 2
  }

  /// Calls `body` with the command written since `begin`, NUL-terminated; valid only during
  /// the call.
  func withCommand<R>(_ body: (UnsafePointer<CChar>, Int) -> R) -> R {
    buffer[length] = 0
    return buffer.withMemoryRebound(to: CChar.self, capacity: length + 1) { body($0, length) }
  }

  /// `<marker><decimal>\r\n`.
  private mutating func put(_ marker: UInt8, _ value: Int) {
    buffer[length] = marker
    length += 1
    if value < 100 {  // argument counts and most lengths: no division loop
      if value >= 10 {
        buffer[length] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value / 10)
        length += 1
      }
      buffer[length] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value % 10)
      length += 1
      endArgument()
      return
    }
    var digits = 1
    var rest = value / 10
    while rest > 0 {
      digits += 1
      rest /= 10
    }
    var remaining = value
    var index = length + digits
    repeat {
      index -= 1
      buffer[index] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: remaining % 10)
      remaining /= 10
    } while index > length
    length += digits
    endArgument()
  }
}
