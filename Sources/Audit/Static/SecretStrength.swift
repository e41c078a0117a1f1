/// A rough, conservative judgement of a secret's strength from its text alone — enough to catch
/// the mistakes people make (a short or repetitive key, a hex string taken for bytes, a
/// placeholder left in place), not a proof of randomness. Pure value; the secret is never kept.
///
/// Estimated bits = length × log2(alphabet), where the alphabet is the smallest of hex (16),
/// base64/base64url (64) and printable ASCII (95) that holds every character. A key is weak
/// when it is under 32 bytes, under 128 estimated bits, has fewer than 10 distinct characters,
/// repeats a shorter pattern, or contains a placeholder word.
struct SecretStrength: Sendable, Equatable {
  static let minimumBytes = 32
  static let minimumBits = 128.0
  static let minimumDistinct = 10
  static let placeholderWords = [
    "replace", "changeme", "change-me", "example", "secret", "password", "xxxxxx",
  ]

  let byteCount: Int
  let alphabet: String
  let estimatedBits: Double
  let distinctCharacters: Int
  let isPeriodic: Bool
  let placeholder: String?

  init(_ value: String) {
    let bytes = Array(value.utf8)
    byteCount = bytes.count
    let isHex = bytes.allSatisfy { Self.isHexDigit($0) }
    let isBase64 = bytes.allSatisfy { Self.isBase64($0) }
    let size: Double
    (alphabet, size) = isHex ? ("hex", 16) : isBase64 ? ("base64", 64) : ("printable", 95)
    estimatedBits = Double(bytes.count) * Self.log2(size)
    distinctCharacters = Set(bytes).count
    isPeriodic = Self.periodic(bytes)
    let lowered = value.lowercased()
    placeholder = Self.placeholderWords.first { lowered.contains($0) }
  }

  /// Why the secret is weak, or empty. Never quotes the secret.
  var problems: [String] {
    var out: [String] = []
    if byteCount < Self.minimumBytes {
      out.append("\(byteCount) bytes, at least \(Self.minimumBytes) needed")
    }
    if estimatedBits < Self.minimumBits {
      out.append(
        "\(alphabet) text worth ≈\(Int(estimatedBits)) bits, at least \(Int(Self.minimumBits)) needed")
    }
    if distinctCharacters < Self.minimumDistinct {
      out.append("only \(distinctCharacters) distinct characters")
    }
    if isPeriodic { out.append("repeats a shorter pattern") }
    if let placeholder { out.append("contains the placeholder word \"\(placeholder)\"") }
    return out
  }

  /// "44 bytes, base64, ≈264 bits" for evidence.
  var summary: String { "\(byteCount) bytes, \(alphabet), ≈\(Int(estimatedBits)) bits" }

  private static func log2(_ x: Double) -> Double {
    switch x {
    case 16: 4
    case 64: 6
    default: 6.569855608330948  // log2(95)
    }
  }

  private static func isHexDigit(_ b: UInt8) -> Bool {
    (b >= 0x30 && b <= 0x39) || (b >= 0x61 && b <= 0x66) || (b >= 0x41 && b <= 0x46)
  }

  private static func isBase64(_ b: UInt8) -> Bool {
    (b >= 0x30 && b <= 0x39) || (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A)
      || b == UInt8(ascii: "+") || b == UInt8(ascii: "/") || b == UInt8(ascii: "-") || b == UInt8(ascii: "_")
      || b == UInt8(ascii: "=")
  }

  /// True when the text is a shorter block repeated (at least twice, the last copy may be cut).
  private static func periodic(_ bytes: [UInt8]) -> Bool {
    guard bytes.count >= 4 else { return false }
    for period in 1...(bytes.count / 2) {
      var matches = true
      for i in period..<bytes.count where bytes[i] != bytes[i - period] {
        matches = false
        break
      }
      if matches { return true }
    }
    return false
  }
}
