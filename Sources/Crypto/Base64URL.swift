/// Strict base64url (RFC 4648 §5) without padding, as JWS compact serialisation requires (RFC 7515 §2).
///
/// `decode` refuses everything a lenient decoder would accept, so one token has exactly one
/// spelling: `=` padding, the standard alphabet's `+` and `/`, whitespace, a length of 1 mod 4, and
/// non-zero unused bits in the last character (e.g. `"QR"` as well as `"QQ"` for `"A"`).
/// Stateless, thread-safe.
public enum Base64URL {
  private static let alphabet: [UInt8] = Array(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

  /// 0xFF for bytes outside the alphabet.
  private static let decodeTable: [UInt8] = {
    var table = [UInt8](repeating: 0xFF, count: 256)
    for (index, byte) in alphabet.enumerated() { table[Int(byte)] = UInt8(index) }
    return table
  }()

  /// Decodes `input`, or returns nil if it is not canonical unpadded base64url.
  public static func decode(_ input: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
    var ok = true
    let out = [UInt8](unsafeUninitializedCapacity: maxDecodedCount(input.count)) { buffer, count in
      guard let written = decode(input, into: buffer.baseAddress!) else {
        ok = false
        count = 0
        return
      }
      count = written
    }
    return ok ? out : nil
  }

  /// An upper bound of the decoded size of `count` characters (never below 1).
  public static func maxDecodedCount(_ count: Int) -> Int { count / 4 * 3 + 2 }

  /// Decodes `input` into `output`, which must have room for `maxDecodedCount(input.count)`
  /// bytes, and returns the decoded count; nil if `input` is not canonical unpadded base64url
  /// (then `output` holds garbage). No allocation: for the token hot path.
  public static func decode(_ input: UnsafeBufferPointer<UInt8>, into output: UnsafeMutablePointer<UInt8>)
    -> Int?
  {
    let count = input.count
    let remainder = count % 4
    if remainder == 1 { return nil }
    return decodeTable.withUnsafeBufferPointer { table -> Int? in
      var index = 0
      var written = 0
      while index + 4 <= count {
        let a = table[Int(input[index])]
        let b = table[Int(input[index + 1])]
        let c = table[Int(input[index + 2])]
        let d = table[Int(input[index + 3])]
        if (a | b | c | d) & 0xC0 != 0 { return nil }
        output[written] = a << 2 | b >> 4
        output[written + 1] = b << 4 | c >> 2
        output[written + 2] = c << 6 | d
        written += 3
        index += 4
      }
      if remainder == 2 {
        let a = table[Int(input[index])]
        let b = table[Int(input[index + 1])]
        if (a | b) & 0xC0 != 0 || b & 0x0F != 0 { return nil }
        output[written] = a << 2 | b >> 4
        written += 1
      } else if remainder == 3 {
        let a = table[Int(input[index])]
        let b = table[Int(input[index + 1])]
        let c = table[Int(input[index + 2])]
        if (a | b | c) & 0xC0 != 0 || c & 0x03 != 0 { return nil }
        output[written] = a << 2 | b >> 4
        output[written + 1] = b << 4 | c >> 2
        written += 2
      }
      return written
    }
  }

  /// Decodes the bytes of `input`.
  public static func decode(_ input: [UInt8]) -> [UInt8]? {
    input.withUnsafeBufferPointer { decode($0) }
  }

  /// Decodes the UTF-8 of `input`.
  public static func decode(_ input: String) -> [UInt8]? {
    decode(Array(input.utf8))
  }

  /// Characters of the unpadded encoding of `count` bytes.
  public static func encodedCount(_ count: Int) -> Int { (count * 8 + 5) / 6 }

  /// Encodes `data` without padding into `output`, which must have room for
  /// `encodedCount(data.count)` bytes; answers the count written. No allocation.
  ///
  /// Six bytes at a time: one big-endian 8-byte load (while 8 bytes are left to read) gives
  /// eight characters, each a shift, a mask and a lookup in the 64-byte alphabet; no branch
  /// depends on the data. The CSRF token of every session request goes through here
  /// (docs/performance.md, "Session L1 hit, round 7").
  public static func encode(_ data: UnsafeBufferPointer<UInt8>, into output: UnsafeMutablePointer<UInt8>)
    -> Int
  {
    let alphabet = Self.alphabetStart
    let count = data.count
    guard let input = data.baseAddress.map(UnsafeRawPointer.init) else { return 0 }
    @inline(__always) func put(_ value: UInt64, _ shift: UInt64, _ at: Int) {
      output[at] = alphabet[Int(truncatingIfNeeded: value &>> shift) & 63]
    }
    var index = 0
    var written = 0
    while index &+ 8 <= count {
      let value = UInt64(bigEndian: input.loadUnaligned(fromByteOffset: index, as: UInt64.self))
      put(value, 58, written)
      put(value, 52, written &+ 1)
      put(value, 46, written &+ 2)
      put(value, 40, written &+ 3)
      put(value, 34, written &+ 4)
      put(value, 28, written &+ 5)
      put(value, 22, written &+ 6)
      put(value, 16, written &+ 7)
      written &+= 8
      index &+= 6
    }
    while index &+ 3 <= count {
      let value =
        UInt64(data[index]) &<< 16 | UInt64(data[index &+ 1]) &<< 8 | UInt64(data[index &+ 2])
      put(value, 18, written)
      put(value, 12, written &+ 1)
      put(value, 6, written &+ 2)
      put(value, 0, written &+ 3)
      written &+= 4
      index &+= 3
    }
    let left = count &- index
    if left > 0 {
      let value = UInt64(data[index]) &<< 16 | (left == 2 ? UInt64(data[index &+ 1]) &<< 8 : 0)
      put(value, 18, written)
      put(value, 12, written &+ 1)
      written &+= 2
      if left == 2 {
        put(value, 6, written)
        written &+= 1
      }
    }
    return written
  }

  /// The alphabet's bytes at a fixed address (no lazy global, no array to retain).
  private static var alphabetStart: UnsafePointer<UInt8> {
    let text: StaticString = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    return text.utf8Start
  }

  /// Encodes without padding.
  public static func encode(_ data: [UInt8]) -> String {
    if data.isEmpty { return "" }
    return data.withUnsafeBufferPointer { data in
      String(unsafeUninitializedCapacity: encodedCount(data.count)) { encode(data, into: $0.baseAddress!) }
    }
  }
}
