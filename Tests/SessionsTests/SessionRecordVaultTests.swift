import Crypto
import Net
import Sessions
import XCTest

/// The record's version-2 extension (vault, fingerprint) and the old format it stays compatible with.
final class SessionRecordVaultTests: XCTestCase {
  /// A record as releases before the vault wrote it (version 1), built byte by byte from the
  /// documented layout rather than with the current writer.
  private func versionOneBytes() -> [UInt8] {
    var b: [UInt8] = [1]
    func u16(_ v: Int) { b += [UInt8(v >> 8), UInt8(v & 0xFF)] }
    func i64(_ v: Int64) {
      b += (0..<8).map { UInt8(truncatingIfNeeded: UInt64(bitPattern: v) >> (56 - 8 * $0)) }
    }
    func str(_ s: String) {
      u16(s.utf8.count)
      b += Array(s.utf8)
    }
    i64(3)  // generation
    for t: Int64 in [1_000, 2_000, 9_000, 1_500] { i64(t) }
    str("bob")
    u16(1)
    str("role")
    str("dev")
    b.append(2 | 4)  // ip prefix, UA hash
    b += [24, 4, 10, 1, 2, 0]
    b += [UInt8](repeating: 0xAB, count: 32)
    b += [UInt8](repeating: 0x07, count: 32)
    u16(0)
    return b
  }

  func testRecordWrittenByTheOldFormatStillOpens() throws {
    let record = try SessionRecord(serialized: versionOneBytes())
    XCTAssertEqual(record.userID, "bob")
    XCTAssertEqual(record.generation, 3)
    XCTAssertEqual(record.lastAccess, 2_000)
    XCTAssertEqual(record.attributes, ["role": "dev"])
    XCTAssertEqual(record.binding.ipPrefix, CIDR(ip("10.1.2.0"), prefixLength: 24))
    XCTAssertNil(record.binding.fingerprint)
    XCTAssertEqual(record.vault, [])
    // Without vault and fingerprint the record is written exactly as before (old replicas read it).
    XCTAssertEqual(try record.serialized(), versionOneBytes())
  }

  func testExtensionRoundTrips() throws {
    var vaulted = sampleRecord()
    vaulted.vault = [
      VaultedCookie(name: "JSESSIONID", value: "abc.123", expires: nil),
      VaultedCookie(name: "legacy_sid", value: "", expires: t0 + 60),
    ]
    var fingerprinted = sampleRecord()
    var policy = SessionPolicy()
    policy.bindFingerprint = ["user-agent", "accept-language"]
    fingerprinted.binding = policy.binding(
      clientIP: ip("203.0.113.77"), userAgent: bytes("UA"), fingerprint: [bytes("UA"), nil])
    var both = vaulted
    both.binding = fingerprinted.binding
    let cases: [(name: String, record: SessionRecord)] = [
      ("vault", vaulted), ("fingerprint", fingerprinted), ("both", both),
    ]
    for c in cases {
      let bytes = try c.record.serialized()
      XCTAssertEqual(bytes[0], 2, c.name)
      XCTAssertEqual(try SessionRecord(serialized: bytes), c.record, c.name)
      XCTAssertEqual(try c.record.serialized(), bytes, "\(c.name): deterministic")
      XCTAssertThrowsError(try SessionRecord(serialized: Array(bytes.dropLast())), "\(c.name) truncated")
      XCTAssertThrowsError(try SessionRecord(serialized: bytes + [0]), "\(c.name) trailing")
    }
    // Version 1 bytes claiming version 2 lack the extension flags; an extension with no part is refused.
    var plain = try sampleRecord().serialized()
    plain[0] = 2
    XCTAssertThrowsError(try SessionRecord(serialized: plain))
    XCTAssertThrowsError(try SessionRecord(serialized: plain + [0]))
    XCTAssertThrowsError(try SessionRecord(serialized: plain + [4]))
  }

  func testVaultSettingKeepsOneEntryPerNameSorted() {
    let vault = [VaultedCookie(name: "b", value: "1")]
      .setting(VaultedCookie(name: "a", value: "2"), removing: "a")
      .setting(VaultedCookie(name: "b", value: "3"), removing: "b")
    XCTAssertEqual(vault, [VaultedCookie(name: "a", value: "2"), VaultedCookie(name: "b", value: "3")])
    XCTAssertEqual(vault.setting(nil, removing: "a"), [VaultedCookie(name: "b", value: "3")])
    XCTAssertTrue(VaultedCookie(name: "a", value: "", expires: 10).isAlive(now: 9))
    XCTAssertFalse(VaultedCookie(name: "a", value: "", expires: 10).isAlive(now: 10))
    XCTAssertTrue(VaultedCookie(name: "a", value: "").isAlive(now: .max))
  }

  func testFingerprintSimilarityTable() {
    var policy = SessionPolicy()
    policy.bindFingerprint = ["user-agent", "accept", "accept-language", "accept-encoding"]
    let login: [[UInt8]?] = [bytes("UA/1"), bytes("text/html"), bytes("en"), bytes("gzip")]
    var record = sampleRecord()
    record.binding = policy.binding(clientIP: ip("203.0.113.77"), userAgent: nil, fingerprint: login)
    XCTAssertFalse(
      record.binding.fingerprint!.entries.contains { $0.hash == bytes("UA/1") || $0.hash.count != 16 },
      "stored as truncated keyed hashes, never values")
    let cases: [(name: String, values: [[UInt8]?], refused: [String]?)] = [
      ("unchanged", login, nil),
      (
        "one of four changed: 0.75 passes", [bytes("UA/2"), bytes("text/html"), bytes("en"), bytes("gzip")],
        nil
      ),
      ("one header now absent: 0.75 passes", [bytes("UA/1"), bytes("text/html"), nil, bytes("gzip")], nil),
      (
        "two of four changed: 0.5 refused", [bytes("UA/1"), bytes("*/*"), bytes("de"), bytes("gzip")],
        ["accept", "accept-language"]
      ),
      ("empty is not absent", [bytes(""), bytes(""), bytes("en"), bytes("gzip")], ["user-agent", "accept"]),
      ("all changed", [nil, nil, nil, nil], ["user-agent", "accept", "accept-language", "accept-encoding"]),
    ]
    for c in cases {
      XCTAssertEqual(policy.fingerprintRefusal(record, values: c.values), c.refused, c.name)
    }
    var strict = policy
    strict.fingerprintMinSimilarity = 1
    XCTAssertEqual(strict.fingerprintRefusal(record, values: cases[1].values), ["user-agent"], "threshold 1")
    var off = policy
    off.bindFingerprint = []
    XCTAssertNil(off.fingerprintRefusal(record, values: []), "switched off after login: not checked")
    // A header dropped from the list since login is not compared: one of the three left changed
    // is 0.67, refused, though the fourth (not compared) would have made it 0.75.
    var fewer = policy
    fewer.bindFingerprint = ["user-agent", "accept", "accept-language"]
    XCTAssertEqual(
      fewer.fingerprintRefusal(record, values: [bytes("x"), bytes("text/html"), bytes("en")]), ["user-agent"])
    XCTAssertNil(fewer.fingerprintRefusal(record, values: [bytes("UA/1"), bytes("text/html"), bytes("en")]))
    XCTAssertEqual(SessionFingerprint.similarity(compared: 4, changed: 1), 0.75)
    XCTAssertEqual(SessionFingerprint.similarity(compared: 0, changed: 0), 1)
  }

  func testFingerprintKeysDifferPerSession() {
    let a = SessionFingerprint(headers: ["user-agent"], values: [bytes("UA")], key: SecureRandom.bytes(32))
    let b = SessionFingerprint(headers: ["user-agent"], values: [bytes("UA")], key: SecureRandom.bytes(32))
    XCTAssertNotEqual(a.entries[0].hash, b.entries[0].hash)
  }
}
