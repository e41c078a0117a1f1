import JWT

/// The compact JWS decoder: both entry points agree, and an accepted token's signing input is
/// exactly the text before its second dot.
enum JWSFuzz {
  static func run(_ data: UnsafeRawBufferPointer) {
    let bytes = Array(data)
    let fromArray = Result { () throws(AuthError) in try CompactJWS.parse(token: bytes) }
    let fromBuffer = Result { () throws(AuthError) in
      try CompactJWS.parse(token: data.bindMemory(to: UInt8.self))
    }
    switch (fromArray, fromBuffer) {
    case (.success(let a), .success(let b)):
      FuzzCheck.require(a.header == b.header && a.payload == b.payload, "entry points disagree on members")
      FuzzCheck.require(
        a.signingInput == b.signingInput && a.signature == b.signature, "entry points disagree")
      let dots = bytes.indices.filter { bytes[$0] == UInt8(ascii: ".") }
      FuzzCheck.require(dots.count == 2, "accepted a token with \(dots.count) dots")
      FuzzCheck.require(
        a.signingInput == Array(bytes[..<dots[1]]), "signing input is not the first two parts")
      FuzzCheck.require(!a.signature.isEmpty, "accepted an empty signature")
    case (.failure(let a), .failure(let b)):
      FuzzCheck.require(a.kind == b.kind, "entry points fail differently: \(a) / \(b)")
    default:
      FuzzCheck.fail("one entry point accepted, the other refused")
    }
  }
}
