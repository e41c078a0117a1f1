public import Crypto

extension CompactJWS {
  /// Builds a compact JWS (RFC 7515 §7.1) over `claimsJSON` — the payload's exact bytes, which
  /// the caller renders (one JSON object; not checked here) — signed by `signer`, with the
  /// protected header `{"alg":…,"kid":…,"typ":"JWT"}`. Pure apart from the signature itself;
  /// throws only when OpenSSL fails.
  public static func sign(claimsJSON: [UInt8], signer: JWSSigner) throws(CryptoError) -> String {
    var token = signer.encodedHeaderAndDot
    token += Array(Base64URL.encode(claimsJSON).utf8)
    let signature = try signer.sign(signingInput: token)
    token.append(UInt8(ascii: "."))
    token += Array(Base64URL.encode(signature).utf8)
    return String(decoding: token, as: UTF8.self)
  }

  /// `sign(claimsJSON:signer:)` for claims rendered as a `String`.
  public static func sign(claimsJSON: String, signer: JWSSigner) throws(CryptoError) -> String {
    try sign(claimsJSON: Array(claimsJSON.utf8), signer: signer)
  }
}
