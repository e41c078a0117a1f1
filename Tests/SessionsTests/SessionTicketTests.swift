import FuzzSeedSupport
import Sessions
import XCTest

final class SessionTicketTests: XCTestCase {
  func testRoundTrip() throws {
    let keys = ring(keyA)
    let cases: [(name: String, ticket: SessionTicket)] = [
      ("fixed ticket", fixedTicket(seed: 1)),
      ("fixed ticket other user", fixedTicket(user: "bob", seed: 0xFE)),
      ("issued ticket", SessionTicket.issue(userID: "carol", keyRing: keys)),
    ]
    for c in cases {
      let cookie = c.ticket.encode(keyRing: keys)
      XCTAssertEqual(cookie.utf8.count, SessionTicket.encodedLength, c.name)
      XCTAssertTrue(cookie.utf8.allSatisfy { $0 != UInt8(ascii: "=") }, "\(c.name): no padding")
      XCTAssertEqual(try SessionTicket.decode(cookie, keyRing: keys), c.ticket, c.name)
    }
  }

  func testIssuedTicketsAreRandomAndTagged() {
    let keys = ring(keyA)
    let a = SessionTicket.issue(userID: "alice", keyRing: keys)
    let b = SessionTicket.issue(userID: "alice", keyRing: keys)
    XCTAssertNotEqual(a.id, b.id, "ids differ")
    XCTAssertNotEqual(a.secret, b.secret, "secrets differ")
    XCTAssertEqual(a.userTag, b.userTag, "same user, same tag")
    XCTAssertNotEqual(a.userTag, keys.userTag(for: "bob"), "other user, other tag")
  }

  func testRefusedTickets() {
    let keys = ring(keyA)
    let good = fixedTicket(seed: 3).encode(keyRing: keys)
    var goodBytes = Array(good.utf8)
    func flipped(_ index: Int) -> String {
      var copy = goodBytes
      // Swap one base64url character for another valid one.
      copy[index] = copy[index] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
      return String(decoding: copy, as: UTF8.self)
    }
    // Re-sign a wire form with a different version byte so only the version is wrong.
    let ticket = fixedTicket(seed: 3)
    let wrongVersionWire = [UInt8(2)] + ticket.userTag + ticket.id + ticket.secret
    let wrongVersion = base64url(wrongVersionWire + hmac(keyA, bytes("gh-ticket") + wrongVersionWire))
    let cases: [(name: String, cookie: String, kind: SessionError.Kind)] = [
      ("empty", "", .malformedTicket),
      ("truncated by one", String(good.dropLast()), .malformedTicket),
      ("one extra character", good + "A", .malformedTicket),
      ("padding character", String(good.dropLast()) + "=", .malformedTicket),
      ("standard alphabet plus", String(good.dropLast()) + "+", .malformedTicket),
      ("wrong version", wrongVersion, .unsupportedTicketVersion),
      ("bit flip in tag", flipped(3), .badTicketSignature),
      ("bit flip in id", flipped(20), .badTicketSignature),
      ("bit flip in secret", flipped(60), .badTicketSignature),
      ("bit flip in mac", flipped(100), .badTicketSignature),
      ("signed by unknown key", fixedTicket(seed: 3).encode(keyRing: ring(keyB)), .badTicketSignature),
    ]
    goodBytes = Array(good.utf8)
    FuzzSeeds.record("ticket", cases.map(\.cookie) + [good])
    for c in cases {
      XCTAssertThrowsError(try SessionTicket.decode(c.cookie, keyRing: keys), c.name) { error in
        XCTAssertEqual((error as? SessionError)?.kind, c.kind, c.name)
      }
    }
  }

  func testKeyRotation() throws {
    let ticket = fixedTicket(seed: 9)
    let oldCookie = ticket.encode(keyRing: ring(keyA))
    let rotated = ring(keyB, keyA)
    let newCookie = ticket.encode(keyRing: rotated)
    XCTAssertNotEqual(oldCookie, newCookie, "new key signs")
    let cases: [(name: String, cookie: String, keyRing: TicketKeyRing, accepted: Bool)] = [
      ("old cookie, ring [new, old]", oldCookie, rotated, true),
      ("new cookie, ring [new, old]", newCookie, rotated, true),
      ("new cookie, ring [new] only", newCookie, ring(keyB), true),
      ("old cookie after old key retired", oldCookie, ring(keyB), false),
      ("new cookie on a ring that never had the new key", newCookie, ring(keyA, keyC), false),
    ]
    for c in cases {
      let decoded = try? SessionTicket.decode(c.cookie, keyRing: c.keyRing)
      XCTAssertEqual(decoded != nil, c.accepted, c.name)
    }
  }

  func testKeyRingValidation() {
    let cases: [(name: String, keys: [[UInt8]], tagKey: [UInt8]?, ok: Bool)] = [
      ("empty ring", [], nil, false),
      ("31-byte key", [[UInt8](repeating: 1, count: 31)], nil, false),
      ("second key short", [keyA, [1, 2, 3]], nil, false),
      ("short tag key", [keyA], [1], false),
      ("32-byte key", [keyA], nil, true),
      ("two keys and tag key", [keyA, keyC], keyB, true),
    ]
    for c in cases {
      do {
        _ = try TicketKeyRing(keys: c.keys, userTagKey: c.tagKey)
        XCTAssertTrue(c.ok, c.name)
      } catch {
        XCTAssertFalse(c.ok, c.name)
        XCTAssertEqual(error.kind, .invalidKey, c.name)
      }
    }
  }

  func testUserTagSurvivesSigningKeyRotation() {
    // Prepending a signing key keeps the tag (derived from the last key), so u:{tag} is stable.
    XCTAssertEqual(
      ring(keyA).userTag(for: "alice"), ring(keyB, keyA).userTag(for: "alice"), "prepend keeps tag")
    XCTAssertEqual(
      ring(keyA).userKey(for: "alice"), ring(keyB, keyA).userKey(for: "alice"), "prepend keeps key")
  }

  func testStoreKeysAndLogHashNeverContainTheID() throws {
    let ticket = fixedTicket(seed: 0x42)
    let idHex = hexString(ticket.id)
    let tagHex = hexString(ticket.userTag)
    let digestHex = hexString(sha256(ticket.id))
    XCTAssertEqual(ticket.storeKey, "s:{\(tagHex)}:\(digestHex)", "store key format")
    XCTAssertEqual(ticket.userKey, "u:{\(tagHex)}", "user key format")
    XCTAssertEqual(ticket.hashForLogs, String(digestHex.prefix(16)), "log hash is a digest prefix")
    for (name, text) in [("store key", ticket.storeKey), ("log hash", ticket.hashForLogs)] {
      XCTAssertFalse(text.contains(idHex), "\(name) holds no id")
    }
    XCTAssertEqual(SessionIDHash(storeKey: ticket.storeKey), ticket.idHash, "hash parses back from store key")
    XCTAssertNil(SessionIDHash(storeKey: "s:{x}:zz"), "short key refused")
  }

  /// The client's view used by `gatehouse audit`: layout ranges cover the decoded cookie, and
  /// the log hash read without the key is the session's own.
  func testLayoutAndUnverifiedLogHash() {
    let ticket = fixedTicket(seed: 7)
    let cookie = ticket.encode(keyRing: ring(keyA))
    XCTAssertEqual(SessionTicket.userTagBytes.lowerBound, 1)
    XCTAssertEqual(SessionTicket.macBytes.upperBound, SessionTicket.decodedByteCount)
    XCTAssertEqual(SessionTicket.macBytes.count, 32)
    XCTAssertEqual(
      SessionTicket.decodedByteCount * 8, SessionTicket.encodedLength * 6 - 2, "no padding bits lost")
    XCTAssertEqual(SessionTicket.unverifiedHashForLogs(cookie), ticket.hashForLogs)
    XCTAssertEqual(
      SessionTicket.unverifiedHashForLogs(fixedTicket(seed: 7).encode(keyRing: ring(keyB))),
      ticket.hashForLogs,
      "the key does not matter")
    XCTAssertNil(SessionTicket.unverifiedHashForLogs(String(cookie.dropLast())))
    XCTAssertNil(
      SessionTicket.unverifiedHashForLogs(String(repeating: "*", count: SessionTicket.encodedLength)))
  }
}
