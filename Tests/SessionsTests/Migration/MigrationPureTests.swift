import Sessions
import XCTest

@testable import Sessions

/// Buckets, routes and record comparison: pure tables.
final class MigrationPureTests: XCTestCase {
  func testBucketsFollowTheHashTag() {
    let ticket = fixedTicket(user: "alice", seed: 1)
    let other = fixedTicket(user: "alice", seed: 2)
    let bucket = MigrationBucket.of(key: ticket.storeKey)
    XCTAssertEqual(MigrationBucket.of(key: other.storeKey), bucket, "same user, other session: same bucket")
    XCTAssertEqual(MigrationBucket.of(key: ticket.userKey), bucket, "user key: same bucket")
    let cases: [(String, String)] = [
      ("s:{abc}:1", "u:{abc}"), ("x{abc}y", "{abc}"), ("a{b}c{d}", "{b}"),
    ]
    for (a, b) in cases {
      XCTAssertEqual(MigrationBucket.of(key: a), MigrationBucket.of(key: b), "\(a) ~ \(b)")
    }
    XCTAssertNotEqual(
      MigrationBucket.of(key: "{}{abc}"), MigrationBucket.of(key: "{abc}"), "empty tag hashes whole")
    // Real user tags spread evenly: every bucket gets about 1 %.
    var counts = [Int](repeating: 0, count: 100)
    for user in 0..<20_000 {
      counts[MigrationBucket.of(key: fixedTicket(user: "user\(user)", seed: 1).userKey)] += 1
    }
    XCTAssertGreaterThan(counts.min() ?? 0, 120, "no starved bucket: \(counts.min() ?? 0)")
    XCTAssertLessThan(counts.max() ?? 0, 290, "no crowded bucket: \(counts.max() ?? 0)")
    let under25 = counts[0..<25].reduce(0, +)
    XCTAssertEqual(
      Double(under25) / 20_000, 0.25, accuracy: 0.02, "split 25 % takes about a quarter of users")
  }

  func testRoutes() {
    let cases:
      [(name: String, setting: MigrationSetting, draining: Bool, bucket: Int, route: MigrationRoute)] = [
        ("off", .off, false, 0, MigrationRoute(primary: .from, secondary: .deletions)),
        (
          "shadow", MigrationSetting(mode: .shadow), false, 0,
          MigrationRoute(primary: .from, secondary: .background)
        ),
        (
          "dual", MigrationSetting(mode: .dual), false, 0,
          MigrationRoute(primary: .from, secondary: .mirrored)
        ),
        (
          "split 10, bucket 9", MigrationSetting(mode: .split, percentage: 10), false, 9,
          MigrationRoute(primary: .to, secondary: .mirrored)
        ),
        (
          "split 10, bucket 10", MigrationSetting(mode: .split, percentage: 10), false, 10,
          MigrationRoute(primary: .from, secondary: .mirrored)
        ),
        (
          "split 0", MigrationSetting(mode: .split, percentage: 0), false, 0,
          MigrationRoute(primary: .from, secondary: .mirrored)
        ),
        (
          "split 100, bucket 99", MigrationSetting(mode: .split, percentage: 100), false, 99,
          MigrationRoute(primary: .to, secondary: .mirrored)
        ),
        (
          "complete, draining", MigrationSetting(mode: .complete), true, 0,
          MigrationRoute(primary: .to, secondary: .drain)
        ),
        (
          "complete, drained", MigrationSetting(mode: .complete), false, 0,
          MigrationRoute(primary: .to, secondary: .none)
        ),
      ]
    for c in cases {
      var asked = false
      let route = MigrationRoute.plan(
        c.setting, draining: { c.draining },
        bucket: {
          asked = true
          return c.bucket
        })
      XCTAssertEqual(route, c.route, c.name)
      XCTAssertEqual(asked, c.setting.mode == .split, "\(c.name): the key is hashed only in split")
    }
  }

  func testRecordComparison() throws {
    let ticket = fixedTicket(seed: 1)
    func stored(_ record: SessionRecord, expiresAt: Int64 = t0 + hour) throws -> StoredSession {
      StoredSession(
        sealed: try record.sealed(for: ticket),
        summary: SessionSummary(
          storeKey: ticket.storeKey, hash: ticket.hashForLogs, created: t0, lastAccess: t0,
          expiresAt: expiresAt,
          ipPrefix: "", userAgent: ""))
    }
    let record = sampleRecord()
    let base = try stored(record)
    var rotated = record
    rotated.generation = 1
    var otherUser = record
    otherUser.userID = "mallory"
    var laterDeadline = record
    laterDeadline.absoluteDeadline += second
    let resealed = try stored(record)
    let forward = try SealedRecord.forwarding(to: fixedTicket(seed: 2), from: ticket)
    let cases:
      [(
        name: String, a: LoadOutcome, b: LoadOutcome, ticket: SessionTicket?, fields: [MigrationMismatchField]
      )] = [
        ("both missing", .notFound, .notFound, ticket, []),
        ("same bytes", .found(base), .found(base), nil, []),
        ("resealed, same fields", .found(base), .found(resealed), ticket, []),
        ("resealed, no ticket", .found(base), .found(resealed), nil, [.record]),
        ("missing in one", .found(base), .notFound, ticket, [.presence]),
        ("missing in the other", .notFound, .found(base), ticket, [.presence]),
        ("generation", .found(base), .found(try stored(rotated)), ticket, [.generation]),
        ("user", .found(base), .found(try stored(otherUser)), ticket, [.user]),
        ("absolute deadline", .found(base), .found(try stored(laterDeadline)), ticket, [.deadline]),
        (
          "expiry within tolerance", .found(base), .found(try stored(record, expiresAt: t0 + hour + second)),
          ticket, []
        ),
        (
          "expiry beyond tolerance", .found(base),
          .found(try stored(record, expiresAt: t0 + hour + 3 * second)), ticket, [.deadline]
        ),
        ("does not open", .found(base), .found(try stored(record).with(sealed: forward)), ticket, [.record]),
        (
          "live vs forwarding", .found(base), .forwarded(newStoreKey: "s:{a}:b", forward: forward), ticket,
          [.kind]
        ),
        (
          "same successor", .forwarded(newStoreKey: "s:{a}:b", forward: forward),
          .forwarded(newStoreKey: "s:{a}:b", forward: forward), ticket, []
        ),
        (
          "other successor", .forwarded(newStoreKey: "s:{a}:b", forward: forward),
          .forwarded(newStoreKey: "s:{a}:c", forward: forward), ticket, [.successor]
        ),
      ]
    for c in cases {
      XCTAssertEqual(SessionRecordComparison.mismatches(c.a, c.b, ticket: c.ticket), c.fields, c.name)
    }
  }
}

extension StoredSession {
  func with(sealed: SealedRecord) -> StoredSession { StoredSession(sealed: sealed, summary: summary) }
}
