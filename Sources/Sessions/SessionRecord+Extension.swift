/// The version-2 tail of a serialised record: what the vault and fingerprint binding added.
///
///     u8 flags (1 vault, 2 fingerprint)
///     | [u16 n, n × (str name, str value, u8 hasExpiry, [i64 expires])]
///     | [32 bytes key, u8 n, n × (str header, 16 bytes hash)]
///
/// Strict like the rest: unknown flags, an empty present part, bad sizes are `malformedRecord`.
extension SessionRecord {
  /// Whether the record needs version 2.
  var hasExtension: Bool { !vault.isEmpty || binding.fingerprint != nil }

  func writeExtension(to w: inout ByteWriter) throws(SessionError) {
    var flags: UInt8 = 0
    if !vault.isEmpty { flags |= 1 }
    if binding.fingerprint != nil { flags |= 2 }
    w.u8(flags)
    if !vault.isEmpty {
      guard vault.count <= Int(UInt16.max) else {
        throw SessionError(.malformedRecord, "too many vaulted cookies")
      }
      w.u16(UInt16(vault.count))
      for cookie in vault {
        guard cookie.name.utf8.count <= Self.maxFieldByteCount,
          cookie.value.utf8.count <= Self.maxFieldByteCount
        else {
          throw SessionError(.malformedRecord, "vaulted cookie longer than \(Self.maxFieldByteCount) bytes")
        }
        w.string(cookie.name)
        w.string(cookie.value)
        if let expires = cookie.expires {
          w.u8(1)
          w.i64(expires)
        } else {
          w.u8(0)
        }
      }
    }
    if let fingerprint = binding.fingerprint {
      guard fingerprint.key.count == SessionFingerprint.keyByteCount,
        fingerprint.entries.count <= Int(UInt8.max),
        fingerprint.entries.allSatisfy({
          $0.hash.count == SessionFingerprint.hashByteCount && $0.header.utf8.count <= Self.maxFieldByteCount
        })
      else { throw SessionError(.malformedRecord, "fingerprint") }
      w.raw(fingerprint.key)
      w.u8(UInt8(fingerprint.entries.count))
      for entry in fingerprint.entries {
        w.string(entry.header)
        w.raw(entry.hash)
      }
    }
  }

  static func readExtension(_ r: inout ByteReader) throws(SessionError) -> (
    [VaultedCookie], SessionFingerprint?
  ) {
    func malformed(_ what: String) -> SessionError { SessionError(.malformedRecord, what) }
    guard let flags = r.u8(), flags & ~0x03 == 0, flags != 0 else { throw malformed("extension flags") }
    var vault: [VaultedCookie] = []
    if flags & 1 != 0 {
      guard let count = r.u16(), count > 0 else { throw malformed("vault") }
      for _ in 0..<count {
        guard let name = r.string(), let value = r.string(), let hasExpiry = r.u8(), hasExpiry <= 1 else {
          throw malformed("vaulted cookie")
        }
        var expires: Int64?
        if hasExpiry == 1 {
          guard let at = r.i64() else { throw malformed("vaulted cookie expiry") }
          expires = at
        }
        guard !vault.contains(where: { $0.name == name }) else { throw malformed("vaulted cookie repeated") }
        vault.append(VaultedCookie(name: name, value: value, expires: expires))
      }
    }
    var fingerprint: SessionFingerprint?
    if flags & 2 != 0 {
      guard let key = r.raw(SessionFingerprint.keyByteCount), let count = r.u8() else {
        throw malformed("fingerprint")
      }
      var entries: [SessionFingerprint.Entry] = []
      for _ in 0..<count {
        guard let header = r.string(), let hash = r.raw(SessionFingerprint.hashByteCount) else {
          throw malformed("fingerprint entry")
        }
        entries.append(SessionFingerprint.Entry(header: header, hash: hash))
      }
      fingerprint = SessionFingerprint(key: key, entries: entries)
    }
    return (vault, fingerprint)
  }
}
