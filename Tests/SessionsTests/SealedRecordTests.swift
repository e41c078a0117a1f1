import Crypto
import EventLoop
import Sessions
import XCTest

final class SealedRecordTests: XCTestCase {
  func testSerializationRoundTrip() throws {
    var elevated = sampleRecord()
    elevated.elevated = true
    elevated.elevatedAttributes = ["mfa": "totp"]
    elevated.generation = 7
    var unbound = sampleRecord()
    unbound.binding = SessionBinding()
    unbound.attributes = [:]
    var v6 = sampleRecord()
    v6.binding = SessionPolicy().binding(clientIP: ip("2001:db8:1:2::99"), userAgent: nil)
    var unicode = sampleRecord()
    unicode.userID = "zoë@example.org"
    unicode.attributes = ["naïve": "ünïcode", "": ""]
    let cases: [(name: String, record: SessionRecord)] = [
      ("sample", sampleRecord()), ("elevated", elevated), ("unbound, no attributes", unbound),
      ("ipv6 binding", v6), ("unicode and empty strings", unicode),
    ]
    for c in cases {
      let bytes = try c.record.serialized()
      XCTAssertEqual(try SessionRecord(serialized: bytes), c.record, c.name)
      XCTAssertEqual(try c.record.serialized(), bytes, "\(c.name): deterministic")
    }
  }

  func testMalformedSerializations() throws {
    let good = try sampleRecord().serialized()
    var badVersion = good
    badVersion[0] = 9
    var badFlags = good
    // flags follow: version, generation, 4 times, user id, attributes.
    let flagsOffset = 1 + 8 + 32 + 2 + 5 + 2 + (2 + 4 + 2 + 5) + (2 + 4 + 2 + 4)
    badFlags[flagsOffset] |= 0x80
    let cases: [(name: String, bytes: [UInt8], kind: SessionError.Kind)] = [
      ("empty", [], .malformedRecord),
      ("unknown version", badVersion, .unsupportedRecordVersion),
      ("truncated", Array(good.dropLast()), .malformedRecord),
      ("trailing byte", good + [0], .malformedRecord),
      ("unknown flag", badFlags, .malformedRecord),
    ]
    for c in cases {
      XCTAssertThrowsError(try SessionRecord(serialized: c.bytes), c.name) { error in
        XCTAssertEqual((error as? SessionError)?.kind, c.kind, c.name)
      }
    }
  }

  func testSealRoundTripAndTamper() throws {
    let ticket = fixedTicket(seed: 1)
    let other = fixedTicket(seed: 2)
    let record = sampleRecord()
    let sealed = try record.sealed(for: ticket)
    XCTAssertEqual(try SessionRecord(unsealing: sealed, for: ticket), record, "round trip")
    XCTAssertEqual(
      try SessionRecord(unsealing: SealedRecord(bytes: sealed.bytes), for: ticket), record, "wire form")
    let plain = try record.serialized()
    XCTAssertNil(sealed.bytes.firstRange(of: plain.prefix(20)), "no plaintext in the sealed bytes")
    XCTAssertNotEqual(try record.sealed(for: ticket).bytes, sealed.bytes, "fresh nonce per seal")

    var flipped = sealed.bytes
    flipped[flipped.count - 1] ^= 1
    var flippedTag = sealed.bytes
    flippedTag[15] ^= 1
    let movedKey = SessionTicket(userTag: ticket.userTag, id: other.id, secret: ticket.secret)
    let wrongSecret = SessionTicket(userTag: ticket.userTag, id: ticket.id, secret: other.secret)
    let cases: [(name: String, bytes: [UInt8], ticket: SessionTicket)] = [
      ("ciphertext bit flipped", flipped, ticket),
      ("tag bit flipped", flippedTag, ticket),
      ("other secret", sealed.bytes, wrongSecret),
      ("same secret, other store key (wrong aad)", sealed.bytes, movedKey),
    ]
    for c in cases {
      XCTAssertThrowsError(try SessionRecord(unsealing: SealedRecord(bytes: c.bytes), for: c.ticket), c.name)
      {
        XCTAssertEqual(($0 as? SessionError)?.kind, .recordAuthenticationFailed, c.name)
      }
    }
    XCTAssertThrowsError(try SealedRecord(bytes: [1, 2, 3]), "short blob") {
      XCTAssertEqual(($0 as? SessionError)?.kind, .malformedRecord, "short blob")
    }
  }

  func testOpenUnderAKeptRecordKeyMatchesOpenUnderTheSecret() throws {
    let ticket = fixedTicket(seed: 1)
    let other = fixedTicket(seed: 2)
    let record = sampleRecord()
    let sealed = try record.sealed(for: ticket)
    let key = SealedRecord.key(secret: ticket.secret, purpose: .record)
    XCTAssertEqual(key.count, 32, "an AES-256 key")
    XCTAssertEqual(
      key, HMACSHA256.authenticate(key: ticket.secret, message: Array("gh-seal v1".utf8) + [1]),
      "HMAC-SHA256(secret, \"gh-seal v1\" ‖ purpose): the wire format's derivation")
    XCTAssertNotEqual(key, SealedRecord.key(secret: ticket.secret, purpose: .forward), "one key per purpose")
    XCTAssertEqual(try SessionRecord(unsealing: sealed, for: ticket, key: key), record, "kept key opens")
    let cases: [(name: String, key: [UInt8])] = [
      ("other secret's key", SealedRecord.key(secret: other.secret, purpose: .record)),
      ("forwarding key", SealedRecord.key(secret: ticket.secret, purpose: .forward)),
    ]
    for c in cases {
      XCTAssertThrowsError(try SessionRecord(unsealing: sealed, for: ticket, key: c.key), c.name) {
        XCTAssertEqual(($0 as? SessionError)?.kind, .recordAuthenticationFailed, c.name)
      }
    }
    let moved = SessionTicket(userTag: ticket.userTag, id: other.id, secret: ticket.secret)
    XCTAssertThrowsError(try SessionRecord(unsealing: sealed, for: moved, key: key), "other store key") {
      XCTAssertEqual(($0 as? SessionError)?.kind, .recordAuthenticationFailed, "other store key")
    }
  }

  func testForwardingRecord() throws {
    let old = fixedTicket(seed: 1)
    let new = fixedTicket(seed: 5)
    let forward = try SealedRecord.forwarding(to: new, from: old)
    XCTAssertEqual(try forward.openForwarding(with: old), new, "old ticket opens it")
    XCTAssertThrowsError(try forward.openForwarding(with: new), "new ticket cannot open it")
    // A forwarding record is not a session record, even under the right key and secret.
    XCTAssertThrowsError(try SessionRecord(unsealing: forward, for: old), "purpose separated") {
      XCTAssertEqual(($0 as? SessionError)?.kind, .recordAuthenticationFailed, "purpose separated")
    }
  }
}
