import Crypto
import Glibc

/// A JWS in compact serialisation (RFC 7515 §7.1), split and decoded but not verified. Immutable.
///
/// Parsing is strict: exactly three parts separated by two dots, non-empty header, payload and
/// signature, canonical unpadded base64url, and a header and payload that are JSON objects
/// without duplicate member names. An unsecured JWS (`alg: none`, empty signature) is refused
/// here already.
///
/// `JWTValidator` does not build this type: it runs the same steps (`dots`, `decode`,
/// `members`) over a temporary buffer and decodes only the members it needs.
public struct CompactJWS: Sendable {
  /// The protected header's members.
  public let header: [String: JSONValue]
  /// The payload's members (the claims of a JWT).
  public let payload: [String: JSONValue]
  /// The ASCII `BASE64URL(header) '.' BASE64URL(payload)` that the signature covers.
  public let signingInput: [UInt8]
  /// The decoded signature bytes.
  public let signature: [UInt8]

  /// Parses a compact JWS; every failure is `AuthError.Kind.malformed`.
  public static func parse(token: UnsafeBufferPointer<UInt8>) throws(AuthError) -> CompactJWS {
    let (firstDot, secondDot) = try dots(token)
    let headerText = UnsafeBufferPointer(rebasing: token[0..<firstDot])
    let payloadText = UnsafeBufferPointer(rebasing: token[(firstDot + 1)..<secondDot])
    let signatureText = UnsafeBufferPointer(rebasing: token[(secondDot + 1)...])
    guard let headerBytes = Base64URL.decode(headerText) else {
      throw AuthError(.malformed, "header is not base64url")
    }
    guard let payloadBytes = Base64URL.decode(payloadText) else {
      throw AuthError(.malformed, "payload is not base64url")
    }
    guard let signature = Base64URL.decode(signatureText) else {
      throw AuthError(.malformed, "signature is not base64url")
    }
    let header = try headerBytes.withUnsafeBufferPointer { buffer throws(AuthError) in
      try members(buffer, "header").allMembers()
    }
    let payload = try payloadBytes.withUnsafeBufferPointer { buffer throws(AuthError) in
      try members(buffer, "payload").allMembers()
    }
    return CompactJWS(
      header: header, payload: payload,
      signingInput: Array(UnsafeBufferPointer(rebasing: token[0..<secondDot])),
      signature: signature)
  }

  public static func parse(token: [UInt8]) throws(AuthError) -> CompactJWS {
    let result: Result<CompactJWS, AuthError> = token.withUnsafeBufferPointer { buffer in
      do throws(AuthError) { return .success(try parse(token: buffer)) } catch { return .failure(error) }
    }
    return try result.get()
  }

  /// The positions of the two dots, after checking there are exactly two and no part is empty.
  static func dots(_ token: UnsafeBufferPointer<UInt8>) throws(AuthError) -> (Int, Int) {
    // memchr (vectorised in glibc) instead of a byte loop: the token is ~600 bytes.
    guard let base = token.baseAddress else { throw AuthError(.malformed, "fewer than three parts") }
    func find(from start: Int) -> Int {
      guard start < token.count, let hit = memchr(base + start, Int32(UInt8(ascii: ".")), token.count - start)
      else {
        return -1
      }
      return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
    }
    let firstDot = find(from: 0)
    let secondDot = firstDot < 0 ? -1 : find(from: firstDot + 1)
    if secondDot >= 0 && find(from: secondDot + 1) >= 0 {
      throw AuthError(.malformed, "more than three parts")
    }
    guard secondDot >= 0 else { throw AuthError(.malformed, "fewer than three parts") }
    guard firstDot > 0 else { throw AuthError(.malformed, "empty header") }
    guard secondDot > firstDot + 1 else { throw AuthError(.malformed, "empty payload") }
    guard secondDot < token.count - 1 else { throw AuthError(.malformed, "empty signature") }
    return (firstDot, secondDot)
  }

  /// Checks that `bytes` is one JSON object without duplicate names; its members as spans.
  static func members(_ bytes: UnsafeBufferPointer<UInt8>, _ part: StaticString) throws(AuthError)
    -> JSONObjectSpans
  {
    let scanned: JSONObjectSpans?
    do { scanned = try JSONParser.scanObject(bytes) } catch {
      throw AuthError(.malformed, "\(part): \(error.description)")
    }
    guard var spans = scanned else {
      // Not an object: parse it in full for the exact reason (invalid JSON or another type).
      do { _ = try JSONParser.parse(bytes) } catch {
        throw AuthError(.malformed, "\(part): \(error.description)")
      }
      throw AuthError(.malformed, "\(part) is not a JSON object")
    }
    if spans.needsFullParse {
      do { try spans.resolveFully() } catch { throw AuthError(.malformed, "\(part): \(error.description)") }
    }
    return spans
  }
}
