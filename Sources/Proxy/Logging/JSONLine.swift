/// Builds one JSON object as a single line, escaping per RFC 8259. Values are written in the
/// order they are added. Not for the request hot path of the pass-through benchmark (access logs
/// are off there); cheap enough for one line per request.
struct JSONLine {
  private(set) var bytes: [UInt8]
  private var first = true

  init(capacity: Int = 512) {
    bytes = []
    bytes.reserveCapacity(capacity)
    bytes.append(UInt8(ascii: "{"))
  }

  mutating func add(_ key: StaticString, _ value: String) {
    keyPrefix(key)
    appendString(value)
  }

  mutating func add(_ key: String, _ value: String) {
    separator()
    appendString(key)
    bytes.append(UInt8(ascii: ":"))
    appendString(value)
  }

  mutating func add(_ key: StaticString, _ value: Int) {
    keyPrefix(key)
    bytes.append(contentsOf: String(value).utf8)
  }

  mutating func add(_ key: StaticString, _ value: Double) {
    keyPrefix(key)
    bytes.append(contentsOf: String(value).utf8)
  }

  mutating func add(_ key: StaticString, _ value: Bool) {
    keyPrefix(key)
    bytes.append(contentsOf: (value ? "true" : "false").utf8)
  }

  mutating func addNull(_ key: StaticString) {
    keyPrefix(key)
    bytes.append(contentsOf: "null".utf8)
  }

  mutating func finish() -> [UInt8] {
    bytes.append(UInt8(ascii: "}"))
    bytes.append(UInt8(ascii: "\n"))
    return bytes
  }

  private mutating func separator() {
    if !first { bytes.append(UInt8(ascii: ",")) }
    first = false
  }

  private mutating func keyPrefix(_ key: StaticString) {
    separator()
    bytes.append(UInt8(ascii: "\""))
    key.withUTF8Buffer { bytes.append(contentsOf: $0) }
    bytes.append(UInt8(ascii: "\""))
    bytes.append(UInt8(ascii: ":"))
  }

  private mutating func appendString(_ value: String) {
    bytes.append(UInt8(ascii: "\""))
    for byte in value.utf8 {
      switch byte {
      case UInt8(ascii: "\""): bytes.append(contentsOf: [0x5C, 0x22])
      case UInt8(ascii: "\\"): bytes.append(contentsOf: [0x5C, 0x5C])
      case 0x0A: bytes.append(contentsOf: [0x5C, UInt8(ascii: "n")])
      case 0x0D: bytes.append(contentsOf: [0x5C, UInt8(ascii: "r")])
      case 0x09: bytes.append(contentsOf: [0x5C, UInt8(ascii: "t")])
      case 0..<0x20, 0x7F:
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        bytes.append(contentsOf: [
          0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)],
        ])
      default: bytes.append(byte)
      }
    }
    bytes.append(UInt8(ascii: "\""))
  }
}
