import EventLoop
import Foundation
import XCTest

@testable import Sessions

/// `RedisSessionStore.load` on one connection runs no script (`ZSCORE`, `HMGET`, `TIME`
/// pipelined) and still answers exactly what the `load` script answers: the index is
/// authoritative (a member that is gone or whose score passed makes the session unknown even
/// while its key lives), and a rotated-away key forwards.
final class RedisSessionLookupTests: RedisTestCase {
  private func op<T>(
    _ store: Unchecked<RedisSessionStore>,
    _ body: @escaping (RedisSessionStore, @escaping (Result<T, SessionError>) -> Void) -> Void
  ) -> Result<T, SessionError>? {
    harness.await(15) { done in body(store.value, done) }
  }

  private func stored(_ ticket: SessionTicket) -> StoredSession {
    let record = sampleRecord()
    return StoredSession(
      sealed: try! record.sealed(for: ticket),
      summary: SessionSummary(
        storeKey: ticket.storeKey, hash: ticket.hashForLogs, created: t0, lastAccess: t0,
        expiresAt: t0 + 30 * minute, ipPrefix: "203.0.113.0/24", userAgent: "lookup"))
  }

  private func commandCalls(_ server: RedisServerProcess) throws -> [String: Int] {
    var calls: [String: Int] = [:]
    for line in try server.cli(["INFO", "commandstats"]).split(whereSeparator: \.isNewline) {
      guard line.hasPrefix("cmdstat_"), let colon = line.firstIndex(of: ":"),
        let range = line.range(of: "calls="), let comma = line[range.upperBound...].firstIndex(of: ",")
      else { continue }
      calls[String(line[line.index(line.startIndex, offsetBy: 8)..<colon])] = Int(
        line[range.upperBound..<comma])
    }
    return calls
  }

  func testLookupRunsNoScriptAndAnswersLikeTheLoadScript() throws {
    let server = try startServer()
    let connection = self.connection(port: server.port)
    waitReady(connection, "lookup")
    let store = harness.sync { Unchecked(RedisSessionStore(connection: connection.value)) }
    let limits = SessionLimits(maxPerUser: 0, onLimit: .evictOldest)
    let tickets = (1...5).map { fixedTicket(seed: UInt8($0)) }
    for ticket in tickets {
      let session = stored(ticket)
      XCTAssertEqual(
        op(store) { $0.create(session, userKey: ticket.userKey, limits: limits, now: t0, completion: $1) },
        .success(.created(evicted: [])), "create \(ticket.hashForLogs)")
    }
    let index = { (t: SessionTicket) in "gh:" + t.userKey }
    // tickets[1]: member removed by hand, key left; tickets[2]: score in the past, key left;
    // tickets[3]: rotated to tickets[4]'s id (a forwarding record).
    XCTAssertEqual(
      try? send(connection, ["ZREM", index(tickets[1]), tickets[1].storeKey])?.get(), .integer(1))
    XCTAssertEqual(
      try? send(connection, ["ZADD", index(tickets[2]), "XX", "1", tickets[2].storeKey])?.get(), .integer(0))
    let successor = fixedTicket(seed: 9)
    let rotated = stored(successor)
    let forward = SealedRecord(
      nonce: Array(repeating: 7, count: 12), ciphertext: [1, 2, 3], tag: Array(repeating: 9, count: 16))
    XCTAssertEqual(
      op(store) {
        $0.rotate(
          userKey: tickets[3].userKey, oldKey: tickets[3].storeKey, newSession: rotated, forward: forward,
          grace: minute, now: t0, completion: $1)
      }, .success(.rotated), "rotate")
    _ = try server.cli(["CONFIG", "RESETSTAT"])
    let cases: [(name: String, key: String, expected: String)] = [
      ("live", tickets[0].storeKey, "found"),
      ("member gone, key alive: the index decides", tickets[1].storeKey, "notFound"),
      ("score passed, key alive: the server clock decides", tickets[2].storeKey, "notFound"),
      ("rotated away", tickets[3].storeKey, "forwarded:\(successor.storeKey)"),
      ("the successor", successor.storeKey, "found"),
      ("never existed", fixedTicket(seed: 33).storeKey, "notFound"),
    ]
    for c in cases {
      let key = c.key
      let answer: String
      switch op(store, { $0.load(storeKey: key, now: t0, completion: $1) }) {
      case .success(.found(let s))?: answer = s.summary.storeKey == key ? "found" : "found another key"
      case .success(.forwarded(let newKey, let record))?:
        answer = record == forward ? "forwarded:\(newKey)" : "forwarded with another record"
      case .success(.notFound)?: answer = "notFound"
      case .failure(let error)?: answer = "failure: \(error)"
      case nil: answer = "no answer"
      }
      XCTAssertEqual(answer, c.expected, c.name)
    }
    let calls = try commandCalls(server)
    XCTAssertNil(calls["evalsha"], "no EVALSHA for a lookup")
    XCTAssertNil(calls["eval"], "no EVAL for a lookup")
    XCTAssertEqual(calls["zscore"], cases.count, "one ZSCORE per lookup")
    XCTAssertEqual(calls["hmget"], cases.count, "one HMGET per lookup")
    XCTAssertEqual(calls["time"], cases.count, "one TIME per lookup")
  }
}
