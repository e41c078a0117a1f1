import Dispatch
import JWT
import Synchronization
import XCTest

/// Several threads verify with the same `RSAPublicKey` at once: each copies the key's shared
/// template context, which must stay read-only (a good token keeps verifying, a bad one keeps
/// failing, on every thread).
final class ConcurrentValidationTests: XCTestCase {
  func testSharedKeyAcrossThreads() {
    let cases: [(name: String, ok: Bool)] = [("good", true), ("tampered_payload", false), ("good_k2", true)]
    let tokens = cases.map { Array(Fixtures.token($0.name).utf8) }
    let settings = Fixtures.settings()
    let wrong = Mutex<[String]>([])
    DispatchQueue.concurrentPerform(iterations: 4) { thread in
      for round in 0..<30 {
        for (index, c) in cases.enumerated() {
          let result = JWTValidator.validate(
            token: tokens[index], keys: Fixtures.keySet, settings: settings, now: Fixtures.now)
          let succeeded = if case .success = result { true } else { false }
          if succeeded != c.ok { wrong.withLock { $0.append("\(c.name) thread \(thread) round \(round)") } }
        }
      }
    }
    XCTAssertEqual(wrong.withLock { $0 }, [], "validations with the wrong outcome")
  }
}
