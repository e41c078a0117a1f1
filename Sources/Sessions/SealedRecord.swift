public import Crypto

/// A session record (or a rotation forwarding record) as a store holds it: AES-256-GCM ciphertext
/// under a key derived from the per-session secret, which only the cookie carries.
///
/// - key = HMAC-SHA256(secret, "gh-seal v1" ‖ purpose): one derivation step (HKDF-Expand with a
///   single block), separate keys for records and forwarding records.
/// - nonce = 12 random bytes per seal (a secret seals few records, far below GCM's limits).
/// - aad = version ‖ purpose ‖ store key name: a value copied to another key, or a forwarding
///   record presented as a session record, fails to open.
///
/// Wire form (`bytes`): version(1) ‖ nonce(12) ‖ tag(16) ‖ ciphertext. Immutable, thread-safe.
public struct SealedRecord: Sendable, Equatable {
  public static let version: UInt8 = 1
  static let headerByteCount = 1 + AESGCM.nonceByteCount + AESGCM.tagByteCount

  /// What the plaintext is; part of the key derivation and of the aad.
  public enum Purpose: UInt8, Sendable {
    case record = 1
    case forward = 2
  }

  public let nonce: [UInt8]
  public let ciphertext: [UInt8]
  public let tag: [UInt8]

  /// Parses the wire form; `malformedRecord` if too short, `unsupportedRecordVersion` if unknown.
  public init(bytes: [UInt8]) throws(SessionError) {
    let parsed: Result<SealedRecord, SessionError> = bytes.withUnsafeBytes { raw in
      Result { () throws(SessionError) in try SealedRecord(bytes: raw) }
    }
    self = try parsed.get()
  }

  /// Parses the wire form from borrowed bytes (a store reply read in place), copying its three
  /// parts out.
  public init(bytes: UnsafeRawBufferPointer) throws(SessionError) {
    guard bytes.count >= Self.headerByteCount else {
      throw SessionError(.malformedRecord, "sealed record of \(bytes.count) bytes")
    }
    guard bytes[0] == Self.version else {
      throw SessionError(.unsupportedRecordVersion, "sealed record version \(bytes[0])")
    }
    // From a rebased buffer, not from the slice: the buffer's copy is one `memcpy`, the slice's
    // walks an iterator (docs/performance.md, "Session from Redis, round 7").
    nonce = Array(UnsafeRawBufferPointer(rebasing: bytes[1..<1 + AESGCM.nonceByteCount]))
    tag = Array(UnsafeRawBufferPointer(rebasing: bytes[1 + AESGCM.nonceByteCount..<Self.headerByteCount]))
    ciphertext = Array(UnsafeRawBufferPointer(rebasing: bytes[Self.headerByteCount...]))
  }

  init(nonce: [UInt8], ciphertext: [UInt8], tag: [UInt8]) {
    self.nonce = nonce
    self.ciphertext = ciphertext
    self.tag = tag
  }

  /// A record no secret opens (a zero tag over nothing): what `MemorySessionStore` answers
  /// `load(storeKey:)` with for a session whose record it keeps unsealed, since only the
  /// session's ticket can seal it (`load(ticket:)`). Opening it fails as a forged record does.
  static let opensForNobody = SealedRecord(
    nonce: [UInt8](repeating: 0, count: AESGCM.nonceByteCount), ciphertext: [],
    tag: [UInt8](repeating: 0, count: AESGCM.tagByteCount))

  /// The wire form.
  public var bytes: [UInt8] { [Self.version] + nonce + tag + ciphertext }

  /// Encrypts `plaintext` for `storeKey` under `secret` (32 bytes).
  public static func seal(_ plaintext: [UInt8], secret: [UInt8], storeKey: String, purpose: Purpose)
    throws(SessionError) -> SealedRecord
  {
    let nonce = SecureRandom.bytes(AESGCM.nonceByteCount)
    do {
      var key = derivedKey(secret, purpose)
      defer { SecureWipe.bytes(&key) }
      let sealed = try AESGCM.seal(
        key: key, nonce: nonce, plaintext: plaintext, aad: aad(storeKey, purpose))
      return SealedRecord(nonce: nonce, ciphertext: sealed.ciphertext, tag: sealed.tag)
    } catch {
      throw SessionError(.crypto, error.description)
    }
  }

  /// Decrypts; `recordAuthenticationFailed` for a wrong secret, key name, purpose or any tampering.
  public func open(secret: [UInt8], storeKey: String, purpose: Purpose) throws(SessionError) -> [UInt8] {
    var key = Self.key(secret: secret, purpose: purpose)
    defer { SecureWipe.bytes(&key) }
    return try open(key: key, storeKey: storeKey, purpose: purpose)
  }

  /// `open` under the key `key(secret:purpose:)` derived earlier: for a caller that opens the
  /// records of one secret again and again (the verified-ticket entry keeps its ticket's record
  /// key), which then pays no derivation per record.
  /// `workspace`: the calling thread's cipher context (a worker's); nil makes one.
  public func open(key: [UInt8], storeKey: String, purpose: Purpose, workspace: AESGCMWorkspace? = nil)
    throws(SessionError) -> [UInt8]
  {
    let opened: [UInt8]?
    do {
      opened = try AESGCM.open(
        key: key, nonce: nonce, sealed: AESGCM.Sealed(ciphertext: ciphertext, tag: tag),
        aad: Self.aad(storeKey, purpose), workspace: workspace)
    } catch {
      throw SessionError(.crypto, error.description)
    }
    guard let opened else { throw SessionError(.recordAuthenticationFailed, "sealed record does not open") }
    return opened
  }

  /// The AES-256-GCM key of `purpose` under `secret` (32 bytes): a secret. Whoever keeps it
  /// wipes it when done (`SecureWipe`).
  public static func key(secret: [UInt8], purpose: Purpose) -> [UInt8] {
    derivedKey(secret, purpose)
  }

  private static let domain = Array("gh-seal v1".utf8)

  private static func derivedKey(_ secret: [UInt8], _ purpose: Purpose) -> [UInt8] {
    HMACSHA256.authenticate(key: secret, message: domain + [purpose.rawValue])
  }

  private static func aad(_ storeKey: String, _ purpose: Purpose) -> [UInt8] {
    var aad: [UInt8] = []
    aad.reserveCapacity(2 + storeKey.utf8.count)
    aad.append(version)
    aad.append(purpose.rawValue)
    aad.append(contentsOf: storeKey.utf8)
    return aad
  }
}
