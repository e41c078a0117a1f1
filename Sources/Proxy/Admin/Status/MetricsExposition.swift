/// One sample of the Prometheus text format: `name{label="value",…} value`. Immutable.
struct MetricSample: Equatable, Sendable {
  let name: String
  let labels: [String: String]
  let value: Double

  func label(_ name: String) -> String? { labels[name] }
}

/// Gatehouse's own `/metrics` text read back as samples, so the dashboard sees exactly the
/// families (names, labels, values) an operator's Prometheus sees and never needs a second
/// set of counters on the request path. Parses the text format 0.0.4: comment lines are
/// skipped, label values unescaped (`\\`, `\"`, `\n`), an optional timestamp ignored; a line
/// that breaks the format is counted in `malformedLines` and skipped. Immutable after `parse`.
struct MetricsExposition: Sendable {
  private(set) var byName: [String: [MetricSample]] = [:]
  private(set) var malformedLines = 0

  static func parse(_ bytes: [UInt8]) -> MetricsExposition {
    var result = MetricsExposition()
    for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true) {
      var cursor = ExpositionCursor(line)
      cursor.skipBlanks()
      if cursor.atEnd || cursor.peek == UInt8(ascii: "#") { continue }
      guard let sample = cursor.sample() else {
        result.malformedLines += 1
        continue
      }
      result.byName[sample.name, default: []].append(sample)
    }
    return result
  }

  func samples(_ name: String) -> [MetricSample] { byName[name] ?? [] }

  func has(_ name: String) -> Bool { byName[name] != nil }

  /// The sum of `name`'s samples whose labels include every pair of `matching`.
  func sum(_ name: String, matching: [String: String] = [:]) -> Double {
    var total = 0.0
    for sample in samples(name) where matching.allSatisfy({ sample.labels[$0.key] == $0.value }) {
      total += sample.value
    }
    return total
  }

  /// `name`'s samples summed by the value of `label` (samples without it are left out).
  func sums(_ name: String, by label: String, matching: [String: String] = [:]) -> [String: Double] {
    var out: [String: Double] = [:]
    for sample in samples(name) where matching.allSatisfy({ sample.labels[$0.key] == $0.value }) {
      guard let key = sample.labels[label] else { continue }
      out[key, default: 0] += sample.value
    }
    return out
  }

  /// The cumulative buckets of histogram `name` (its `_bucket` samples) summed over every other
  /// label (workers), ordered by bound; `+Inf` last.
  func histogram(_ name: String, matching: [String: String] = [:]) -> CumulativeHistogram {
    var counts: [Double: Double] = [:]
    for (bound, count) in sums(name + "_bucket", by: "le", matching: matching) {
      guard let value = ExpositionCursor.number(Array(bound.utf8)) else { continue }
      counts[value, default: 0] += count
    }
    return CumulativeHistogram(buckets: counts.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
  }
}

/// Reads one exposition line. A plain value over the line's bytes.
private struct ExpositionCursor {
  let bytes: ArraySlice<UInt8>
  var index: Int

  init(_ bytes: ArraySlice<UInt8>) {
    self.bytes = bytes
    index = bytes.startIndex
  }

  var atEnd: Bool { index >= bytes.endIndex }
  var peek: UInt8 { bytes[index] }

  mutating func skipBlanks() {
    while !atEnd && (peek == 0x20 || peek == 0x09) { index += 1 }
  }

  mutating func sample() -> MetricSample? {
    guard let name = identifier(allowColon: true) else { return nil }
    var labels: [String: String] = [:]
    if !atEnd && peek == UInt8(ascii: "{") {
      index += 1
      guard let parsed = labelSet() else { return nil }
      labels = parsed
    }
    guard !atEnd && (peek == 0x20 || peek == 0x09) else { return nil }
    skipBlanks()
    let start = index
    while !atEnd && peek != 0x20 && peek != 0x09 { index += 1 }
    guard let value = Self.number(Array(bytes[start..<index])) else { return nil }
    skipBlanks()
    if !atEnd {
      // An optional integer timestamp (ms), then nothing.
      let stampStart = index
      if peek == UInt8(ascii: "-") { index += 1 }
      while !atEnd && peek >= 0x30 && peek <= 0x39 { index += 1 }
      guard index > stampStart else { return nil }
      skipBlanks()
      guard atEnd else { return nil }
    }
    return MetricSample(name: name, labels: labels, value: value)
  }

  private mutating func identifier(allowColon: Bool) -> String? {
    let start = index
    while !atEnd {
      let byte = peek
      let letter = (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z")
      let digit = byte >= 0x30 && byte <= 0x39
      guard
        letter || byte == UInt8(ascii: "_") || (allowColon && byte == UInt8(ascii: ":"))
          || (digit && index > start)
      else { break }
      index += 1
    }
    return index > start ? String(decoding: bytes[start..<index], as: UTF8.self) : nil
  }

  /// After `{`: `name="value"` pairs separated by commas (a trailing comma allowed), then `}`.
  private mutating func labelSet() -> [String: String]? {
    var labels: [String: String] = [:]
    while true {
      skipBlanks()
      guard !atEnd else { return nil }
      if peek == UInt8(ascii: "}") {
        index += 1
        return labels
      }
      guard let name = identifier(allowColon: false) else { return nil }
      skipBlanks()
      guard !atEnd && peek == UInt8(ascii: "=") else { return nil }
      index += 1
      skipBlanks()
      guard let value = quoted(), labels[name] == nil else { return nil }
      labels[name] = value
      skipBlanks()
      guard !atEnd else { return nil }
      if peek == UInt8(ascii: ",") {
        index += 1
      } else if peek != UInt8(ascii: "}") {
        return nil
      }
    }
  }

  private mutating func quoted() -> String? {
    guard !atEnd && peek == UInt8(ascii: "\"") else { return nil }
    index += 1
    var out: [UInt8] = []
    while !atEnd {
      let byte = peek
      index += 1
      switch byte {
      case UInt8(ascii: "\""):
        return String(decoding: out, as: UTF8.self)
      case UInt8(ascii: "\\"):
        guard !atEnd else { return nil }
        let escaped = peek
        index += 1
        switch escaped {
        case UInt8(ascii: "\\"): out.append(escaped)
        case UInt8(ascii: "\""): out.append(escaped)
        case UInt8(ascii: "n"): out.append(0x0A)
        default: return nil
        }
      default:
        out.append(byte)
      }
    }
    return nil
  }

  /// A sample value: a decimal or exponent float, `+Inf`, `-Inf` or `NaN`.
  static func number(_ text: [UInt8]) -> Double? {
    switch String(decoding: text, as: UTF8.self) {
    case "+Inf", "Inf": return .infinity
    case "-Inf": return -.infinity
    case "NaN": return .nan
    case let other:
      guard let first = other.utf8.first,
        first == UInt8(ascii: "-") || first == UInt8(ascii: "+") || first == UInt8(ascii: ".")
          || (first >= 0x30 && first <= 0x39)
      else { return nil }
      return Double(other)
    }
  }
}
