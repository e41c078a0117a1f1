import Sessions
import XCTest

final class RevokedTicketsTests: XCTestCase {
  private let second = SessionPolicy.nanosPerSecond

  private func hash(_ n: UInt8) -> SessionIDHash { SessionIDHash(digest: [UInt8](repeating: n, count: 32))! }

  private func keys(_ n: UInt8) -> RevokedTickets.Keys {
    RevokedTickets.Keys(storeKey: "s:{t}:\(n)", userKey: "u:{t}")
  }

  func testRevokedUntilTheDeadlineWithRetriesSpacedOut() {
    let revoked = RevokedTickets(capacity: 10, retryInterval: 5 * second)
    XCTAssertEqual(revoked.check(hash(1), now: 0), .clear, "empty table")
    revoked.revoke(hash(1), keys: keys(1), until: 100 * second, now: 0)
    let steps: [(name: String, at: Int64, want: RevokedTickets.Verdict)] = [
      ("right after", 1 * second, .revoked),
      ("another session", 1 * second, .clear),
      ("retry due", 5 * second, .revokedRetryDeletion(keys(1))),
      ("retry handed out once", 6 * second, .revoked),
      ("next retry", 10 * second, .revokedRetryDeletion(keys(1))),
      ("just before the deadline, retry due again", 100 * second - 1, .revokedRetryDeletion(keys(1))),
      ("at the deadline", 100 * second, .clear),
      ("after the deadline", 101 * second, .clear),
    ]
    for step in steps {
      let subject = step.name == "another session" ? hash(2) : hash(1)
      XCTAssertEqual(revoked.check(subject, now: step.at), step.want, step.name)
    }
    XCTAssertEqual(revoked.count, 0, "an expired entry is dropped when checked")
  }

  func testForgetEndsTheRevocation() {
    let revoked = RevokedTickets()
    revoked.revoke(hash(1), keys: keys(1), until: 100 * second, now: 0)
    revoked.revoke(hash(2), keys: keys(2), until: 100 * second, now: 0)
    revoked.forget(hash(1))
    XCTAssertEqual(revoked.check(hash(1), now: second), .clear)
    XCTAssertEqual(revoked.check(hash(2), now: second), .revoked)
    XCTAssertEqual(revoked.count, 1)
  }

  func testAnAlreadyExpiredSessionIsNotRemembered() {
    let revoked = RevokedTickets()
    revoked.revoke(hash(1), keys: keys(1), until: 10, now: 10)
    XCTAssertEqual(revoked.count, 0)
  }

  func testCapacityDropsExpiredEntriesThenTheSoonestToExpire() {
    let revoked = RevokedTickets(capacity: 3, retryInterval: second)
    revoked.revoke(hash(1), keys: keys(1), until: 50 * second, now: 0)
    revoked.revoke(hash(2), keys: keys(2), until: 10 * second, now: 0)
    revoked.revoke(hash(3), keys: keys(3), until: 30 * second, now: 0)
    // Full and nothing expired: the entry that expires soonest (2) makes room.
    revoked.revoke(hash(4), keys: keys(4), until: 40 * second, now: second)
    XCTAssertEqual(revoked.count, 3)
    XCTAssertEqual(revoked.check(hash(2), now: 2 * second), .clear, "soonest to expire was dropped")
    for n: UInt8 in [1, 3, 4] {
      XCTAssertNotEqual(revoked.check(hash(n), now: 2 * second), .clear, "\(n) kept")
    }
    // At 35 s entry 3 has expired: it goes first, the others stay.
    revoked.revoke(hash(5), keys: keys(5), until: 90 * second, now: 35 * second)
    for n: UInt8 in [1, 4, 5] {
      XCTAssertNotEqual(revoked.check(hash(n), now: 36 * second), .clear, "\(n) kept")
    }
    // Revoking a remembered hash again replaces its entry and never evicts another.
    revoked.revoke(hash(5), keys: keys(5), until: 95 * second, now: 36 * second)
    XCTAssertEqual(revoked.count, 3)
  }

  func testConcurrentUse() {
    let revoked = RevokedTickets(capacity: 10_000, retryInterval: SessionPolicy.nanosPerSecond)
    let second = SessionPolicy.nanosPerSecond
    DispatchQueue.concurrentPerform(iterations: 8) { worker in
      for i in 0..<500 {
        var digest = [UInt8](repeating: 0, count: 32)
        digest[0] = UInt8(worker)
        digest[1] = UInt8(i % 256)
        digest[2] = UInt8(i / 256)
        let subject = SessionIDHash(digest: digest)!
        revoked.revoke(subject, keys: .init(storeKey: "s", userKey: "u"), until: 100 * second, now: 0)
        XCTAssertNotEqual(revoked.check(subject, now: second), .clear)
        if i % 2 == 0 { revoked.forget(subject) }
      }
    }
    XCTAssertEqual(revoked.count, 8 * 250)
  }
}
