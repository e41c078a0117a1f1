import Codecs
import Config

/// Builds one log line: a JSON object (RFC 8259 escaping) or, for `format = "text"`, logfmt
/// (`key=value`, values quoted when they contain spaces, quotes or `=`). Values are written in
/// the order they are added. Not for the pass-through hot path (access logs are off in the
/// benchmark); cheap enough for one line per request. A plain value.
struct LogLine {
  private(set) var bytes: [UInt8]
  private var first = true
  let format: LogFormat

  init(capacity: Int = 512, format: LogFormat = .json) {
    self.format = format
    bytes = []
    bytes.reserveCapacity(capacity)
    if format == .json { bytes.append(UInt8(ascii: "{")) }
  }

  mutating func add(_ key: StaticString, _ value: String) {
    keyPrefix(key)
    appendString(value)
  }

  mutating func add(_ key: String, _ value: String) {
    separator()
    if format == .json {
      appendJSONString(key)
      bytes.append(UInt8(ascii: ":"))
    } else {
      bytes.append(contentsOf: key.utf8)
      bytes.append(UInt8(ascii: "="))
    }
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

  /// A JSON array of already-encoded values (`finishObject()` results). JSON format only.
  mutating func addRaw(_ key: StaticString, _ elements: [[UInt8]]) {
    keyPrefix(key)
    bytes.append(UInt8(ascii: "["))
    for (index, element) in elements.enumerated() {
      if index > 0 { bytes.append(UInt8(ascii: ",")) }
      bytes.append(contentsOf: element)
    }
    bytes.append(UInt8(ascii: "]"))
  }

  /// The line with its terminating newline.
  mutating func finish() -> [UInt8] {
    if format == .json { bytes.append(UInt8(ascii: "}")) }
    bytes.append(UInt8(ascii: "\n"))
    return bytes
  }

  /// The JSON object without a newline (to nest it).
  mutating func finishObject() -> [UInt8] {
    if format == .json { bytes.append(UInt8(ascii: "}")) }
    return bytes
  }

  private mutating func separator() {
    if !first { bytes.append(format == .json ? UInt8(ascii: ",") : UInt8(ascii: " ")) }
    first = false
  }

  private mutating func keyPrefix(_ key: StaticString) {
    separator()
    if format == .json { bytes.append(UInt8(ascii: "\"")) }
    key.withUTF8Buffer { bytes.append(contentsOf: $0) }
    if format == .json {
      bytes.append(UInt8(ascii: "\""))
      bytes.append(UInt8(ascii: ":"))
    } else {
      bytes.append(UInt8(ascii: "="))
    }
  }

  private mutating func appendString(_ value: String) {
    if format == .json {
      appendJSONString(value)
      return
    }
    var needsQuotes = value.isEmpty
    for byte in value.utf8
    where byte <= 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "=") || byte == 0x7F {
      needsQuotes = true
      break
    }
    if needsQuotes {
      appendJSONString(value)
    } else {
      bytes.append(contentsOf: value.utf8)
    }
  }

  private mutating func appendJSONString(_ value: String) {
    JSONString.append(value, to: &bytes)
  }
}

/// The name the proxy core uses; lines follow the sink's configured format.
typealias JSONLine = LogLine
