/// A JWS in compact serialisation (RFC 7515 §7.1), split and decoded but not verified. Immutable.
///
/// Parsing is strict: exactly three parts separated by two dots, non-empty header, payload and
/// signature, canonical unpadded base64url, and a header and payload that are JSON objects
/// without duplicate member names. An unsecured JWS (`alg: none`, empty signature) is refused
/// here already.
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
    var firstDot = -1
    var secondDot = -1
    for index in 0..<token.count where token[index] == UInt8(ascii: ".") {
      if firstDot < 0 {
        firstDot = index
      } else if secondDot < 0 {
        secondDot = index
      } else {
        throw AuthError(.malformed, "more than three parts")
      }
    }
    guard secondDot >= 0 else { throw AuthError(.malformed, "fewer than three parts") }
    guard firstDot > 0 else { throw AuthError(.malformed, "empty header") }
    guard secondDot > firstDot + 1 else { throw AuthError(.malformed, "empty payload") }
    guard secondDot < token.count - 1 else { throw AuthError(.malformed, "empty signature") }

    guard let headerBytes = Base64URL.decode(UnsafeBufferPointer(rebasing: token[0..<firstDot])) else {
      throw AuthError(.malformed, "header is not base64url")
    }
    guard let payloadBytes = Base64URL.decode(UnsafeBufferPointer(rebasing: token[(firstDot + 1)..<secondDot]))
    else { throw AuthError(.malformed, "payload is not base64url") }
    guard let signature = Base64URL.decode(UnsafeBufferPointer(rebasing: token[(secondDot + 1)...])) else {
      throw AuthError(.malformed, "signature is not base64url")
    }
    let header = try object(headerBytes, "header")
    let payload = try object(payloadBytes, "payload")
    return CompactJWS(
      header: header, payload: payload, signingInput: Array(UnsafeBufferPointer(rebasing: token[0..<secondDot])),
      signature: signature)
  }

  public static func parse(token: [UInt8]) throws(AuthError) -> CompactJWS {
    let result: Result<CompactJWS, AuthError> = token.withUnsafeBufferPointer { buffer in
      do throws(AuthError) { return .success(try parse(token: buffer)) } catch { return .failure(error) }
    }
    return try result.get()
  }

  private static func object(_ bytes: [UInt8], _ part: String) throws(AuthError) -> [String: JSONValue] {
    let value: JSONValue
    do {
      value = try JSONParser.parse(bytes)
    } catch {
      throw AuthError(.malformed, "\(part): \(error.description)")
    }
    guard case .object(let members) = value else { throw AuthError(.malformed, "\(part) is not a JSON object") }
    return members
  }
}
