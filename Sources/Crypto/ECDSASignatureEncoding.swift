/// Converts ECDSA signatures between the two encodings: JOSE's fixed-length `r || s` (RFC 7518
/// §3.4, each half left-padded to the curve's coordinate size) and the DER
/// `SEQUENCE { INTEGER r, INTEGER s }` that OpenSSL signs and verifies (RFC 3279 §2.2.3).
/// Pure functions, no OpenSSL.
///
/// A JWS carries only the JOSE form; callers check its exact length before converting, so a DER
/// signature placed in a token (70–72 bytes for P-256) is refused by length, never "fixed up".
public enum ECDSASignatureEncoding {
  /// The largest DER signature for P-384: 2 + 2 × (2 + 1 + 48) bytes.
  public static let maxDERBytes = 104

  /// Writes the DER form of the JOSE signature `raw` (`2 * n` bytes) into `output` (at least
  /// `maxDERBytes`); the number of bytes written. `raw.count` must be even and at most 96.
  public static func der(fromJOSE raw: UnsafeRawBufferPointer, into output: UnsafeMutablePointer<UInt8>)
    -> Int
  {
    precondition(raw.count % 2 == 0 && raw.count <= 96)
    let half = raw.count / 2
    var body = 0
    // Contents first at offset 2 (the SEQUENCE header is two bytes: every length is < 128).
    body += integer(UnsafeRawBufferPointer(rebasing: raw[0..<half]), into: output + 2)
    body += integer(UnsafeRawBufferPointer(rebasing: raw[half...]), into: output + 2 + body)
    output[0] = 0x30
    output[1] = UInt8(body)
    return 2 + body
  }

  /// `der(fromJOSE:into:)` into a new array.
  public static func der(fromJOSE raw: [UInt8]) -> [UInt8] {
    var output = [UInt8](repeating: 0, count: maxDERBytes)
    let count = raw.withUnsafeBytes { r in
      output.withUnsafeMutableBufferPointer { der(fromJOSE: r, into: $0.baseAddress!) }
    }
    return Array(output[0..<count])
  }

  /// The JOSE form (`2 * coordinateBytes` bytes) of a DER signature, or nil when `der` is not a
  /// well-formed `SEQUENCE` of two positive `INTEGER`s that fit the coordinate size.
  public static func jose(fromDER der: [UInt8], coordinateBytes: Int) -> [UInt8]? {
    var reader = DERReader(bytes: der)
    guard reader.byte() == 0x30, let length = reader.length(), length == reader.remaining else { return nil }
    var output: [UInt8] = []
    output.reserveCapacity(2 * coordinateBytes)
    for _ in 0..<2 {
      guard reader.byte() == 0x02, let length = reader.length(), length > 0, let value = reader.take(length)
      else { return nil }
      // Minimal encoding: a leading zero byte only before a byte with its high bit set.
      if value[0] & 0x80 != 0 { return nil }
      let magnitude = value.count > 1 && value[0] == 0 ? Array(value.dropFirst()) : value
      if value.count > 1 && value[0] == 0 && magnitude[0] & 0x80 == 0 { return nil }
      guard magnitude.count <= coordinateBytes else { return nil }
      output += [UInt8](repeating: 0, count: coordinateBytes - magnitude.count) + magnitude
    }
    guard reader.remaining == 0 else { return nil }
    return output
  }

  /// Writes `magnitude` (big-endian, unsigned) as a minimal DER INTEGER; the bytes written.
  private static func integer(_ magnitude: UnsafeRawBufferPointer, into output: UnsafeMutablePointer<UInt8>)
    -> Int
  {
    var start = 0
    while start < magnitude.count - 1 && magnitude[start] == 0 { start += 1 }
    let pad = magnitude[start] & 0x80 != 0 ? 1 : 0
    let length = magnitude.count - start + pad
    output[0] = 0x02
    output[1] = UInt8(length)
    if pad == 1 { output[2] = 0 }
    for index in start..<magnitude.count { output[2 + pad + index - start] = magnitude[index] }
    return 2 + length
  }
}

/// A cursor over DER bytes (definite lengths up to 0xFFFF). Value type.
private struct DERReader {
  let bytes: [UInt8]
  var offset = 0

  var remaining: Int { bytes.count - offset }

  mutating func byte() -> UInt8? {
    guard offset < bytes.count else { return nil }
    defer { offset += 1 }
    return bytes[offset]
  }

  mutating func length() -> Int? {
    guard let first = byte() else { return nil }
    if first < 0x80 { return Int(first) }
    guard first == 0x81, let next = byte(), next >= 0x80 else { return nil }
    return Int(next)
  }

  mutating func take(_ count: Int) -> [UInt8]? {
    guard count <= remaining else { return nil }
    defer { offset += count }
    return Array(bytes[offset..<(offset + count)])
  }
}
