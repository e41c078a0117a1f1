import Net
import XCTest

@testable import Sessions

/// The L1's form of a record: every field survives, whatever the record holds; it is smaller
/// than the serialised form; damaged bytes are refused.
final class SessionRecordCacheFormTests: XCTestCase {
  func testEveryFieldRoundTrips() throws {
    var full = sampleRecord()
    full.vault = [VaultedCookie(name: "JSESSIONID", value: "abc", expires: t0 + 60)]
    var policy = SessionPolicy()
    policy.bindFingerprint = ["user-agent"]
    full.binding = policy.binding(
      clientIP: ip("2001:db8::7"), userAgent: bytes("UA"), fingerprint: [bytes("UA")])
    full.elevated = true
    full.elevatedAttributes = ["level": "2", "ünï": "cödé"]
    full.generation = 1 << 40
    var backwards = sampleRecord()
    backwards.lastAccess = t0 - hour  // before created: a negative delta
    backwards.lastRotation = Int64.min
    backwards.absoluteDeadline = Int64.max
    var bare = sampleRecord()
    bare.attributes = [:]
    bare.binding = SessionBinding()
    bare.userID = ""
    let cases: [(name: String, record: SessionRecord)] = [
      ("sample", sampleRecord()), ("vault, fingerprint, v6, elevated", full),
      ("times either side", backwards),
      ("bare", bare),
    ]
    for c in cases {
      let form = try c.record.cacheForm()
      XCTAssertEqual(try form.withUnsafeBytes { try SessionRecord(cacheForm: $0) }, c.record, c.name)
      XCTAssertEqual(try c.record.cacheForm(), form, "\(c.name): deterministic")
      XCTAssertThrowsError(
        try Array(form.dropLast()).withUnsafeBytes { try SessionRecord(cacheForm: $0) }, c.name)
      XCTAssertThrowsError(try (form + [0]).withUnsafeBytes { try SessionRecord(cacheForm: $0) }, c.name)
    }
    XCTAssertLessThan(try sampleRecord().cacheForm().count + 20, try sampleRecord().serialized().count)
  }

  /// Version 3 (the memory store's sealed records) is the compact form behind a version byte; it
  /// opens like the others, and the default stays version 1/2 (what older releases read).
  func testCompactVersionSealsAndOpens() throws {
    var vaulted = sampleRecord()
    vaulted.vault = [VaultedCookie(name: "a", value: "b")]
    for record in [sampleRecord(), vaulted] {
      let compact = try record.compactSerialized()
      XCTAssertEqual(compact[0], SessionRecord.compactFormatVersion)
      XCTAssertEqual(try SessionRecord(serialized: compact), record)
      XCTAssertLessThan(compact.count, try record.serialized().count)
      let ticket = fixedTicket(seed: 4)
      XCTAssertEqual(
        try SessionRecord(unsealing: record.sealed(for: ticket, compact: true), for: ticket), record)
      let plain = try record.sealed(for: ticket).open(
        secret: ticket.secret, storeKey: ticket.storeKey, purpose: .record)
      XCTAssertNotEqual(plain[0], SessionRecord.compactFormatVersion, "not compact unless asked")
      XCTAssertThrowsError(try SessionRecord(serialized: compact + [0]))
      XCTAssertThrowsError(try SessionRecord(serialized: [SessionRecord.compactFormatVersion]))
    }
  }
}
