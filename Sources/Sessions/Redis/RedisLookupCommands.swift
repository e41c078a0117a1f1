/// The script-free lookup's three commands (`RedisSessionStore+Lookup.swift`), written from the
/// store key's bytes straight into the connection's encoder: `ZSCORE <prefix>u:{tag} <key>`,
/// `HMGET <prefix><key> t v c a e i u h n f`, `TIME`. The constant parts are protocol bytes
/// made once; a lookup builds no argument arrays (filling and encoding those cost ~4,500
/// instructions per request — docs/performance.md, "Session from Redis, round 5").
struct RedisLookupCommands: RedisCommandGroup {
  let prefix: [UInt8]
  let storeKey: String
  /// The index of the `}` closing the store key's hash tag.
  private let tagEnd: Int

  /// Nil when `storeKey` does not have the store-key shape `s:{tag}:…`.
  init?(prefix: [UInt8], storeKey: String) {
    var key = storeKey  // `withUTF8` makes a bridged string native; ours already are (no copy)
    guard let tagEnd = key.withUTF8({ Self.tagEnd(ofMember: UnsafeRawBufferPointer($0)) }) else { return nil }
    self.prefix = prefix
    self.storeKey = key
    self.tagEnd = tagEnd
  }

  var count: Int { 3 }

  func write(_ index: Int, into encoder: inout RedisCommandEncoder) {
    var key = storeKey
    key.withUTF8 { member in
      let member = UnsafeRawBufferPointer(member)
      prefix.withUnsafeBytes { prefix in
        switch index {
        case 0:
          Self.zscore.withUnsafeBytes { head in
            encoder.begin(headers: 2, byteCount: head.count + prefix.count + 1 + tagEnd + member.count)
            encoder.bytes(head)
          }
          encoder.argumentHeader(length: prefix.count + 1 + tagEnd)
          encoder.bytes(prefix)
          encoder.byte(UInt8(ascii: "u"))
          encoder.bytes(UnsafeRawBufferPointer(rebasing: member[1...tagEnd]))
          encoder.endArgument()
          encoder.argument(member)
        case 1:
          Self.hmgetFields.withUnsafeBytes { fields in
            encoder.begin(
              headers: 1, byteCount: Self.hmget.count + prefix.count + member.count + fields.count)
            Self.hmget.withUnsafeBytes { encoder.bytes($0) }
            encoder.argumentHeader(length: prefix.count + member.count)
            encoder.bytes(prefix)
            encoder.bytes(member)
            encoder.endArgument()
            encoder.bytes(fields)
          }
        default:
          Self.time.withUnsafeBytes { time in
            encoder.begin(headers: 0, byteCount: time.count)
            encoder.bytes(time)
          }
        }
      }
    }
  }

  /// The index of the `}` closing the hash tag of `s:{tag}:…`; nil for another shape.
  static func tagEnd(ofMember member: UnsafeRawBufferPointer) -> Int? {
    guard member.count > 4, member[0] == UInt8(ascii: "s"), member[1] == UInt8(ascii: ":"),
      member[2] == UInt8(ascii: "{"), let close = member.firstIndex(of: UInt8(ascii: "}")),
      close + 1 < member.count, member[close + 1] == UInt8(ascii: ":")
    else { return nil }
    return close
  }

  /// Each command's protocol up to its first variable argument, its `*<argc>\r\n` included
  /// (written whole: `begin(headers:byteCount:)`).
  private static let zscore = Array("*3\r\n$6\r\nZSCORE\r\n".utf8)
  private static let hmget = Array("*12\r\n$5\r\nHMGET\r\n".utf8)
  /// HMGET's fields, the ones `load` reads: t, v, c, a, e, i, u, h, n, f.
  private static let hmgetFields = Array(
    ["t", "v", "c", "a", "e", "i", "u", "h", "n", "f"].map { "$1\r\n\($0)\r\n" }.joined().utf8)
  /// TIME has no arguments: all of it.
  private static let time = Array("*1\r\n$4\r\nTIME\r\n".utf8)
}
