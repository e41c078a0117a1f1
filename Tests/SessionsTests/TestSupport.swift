import Crypto
import EventLoop
import Net
import Sessions

let second: Int64 = 1_000_000_000
let minute: Int64 = 60 * second
let hour: Int64 = 60 * minute
/// A fixed "now" for the fake clock: 2024-01-01T00:00:00Z in ns.
let t0: Int64 = 1_704_067_200 * second

let keyA = [UInt8](repeating: 0xA1, count: 32)
let keyB = [UInt8](repeating: 0xB2, count: 32)
let keyC = [UInt8](repeating: 0xC3, count: 48)

func ring(_ keys: [UInt8]...) -> TicketKeyRing { try! TicketKeyRing(keys: keys) }

func ip(_ text: String) -> IPAddress { IPAddress(text)! }

func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

/// A deterministic ticket: id and secret filled with `seed`.
func fixedTicket(user: String = "alice", seed: UInt8, keyRing: TicketKeyRing = ring(keyA)) -> SessionTicket {
  SessionTicket(
    userTag: keyRing.userTag(for: user), id: [UInt8](repeating: seed, count: 16),
    secret: [UInt8](repeating: seed &+ 1, count: 32))
}

func sampleRecord(now: Int64 = t0, policy: SessionPolicy = SessionPolicy()) -> SessionRecord {
  SessionRecord(
    userID: "alice", attributes: ["role": "admin", "team": "blue"], created: now, lastAccess: now,
    absoluteDeadline: now + policy.absoluteTimeout, lastRotation: now,
    binding: policy.binding(clientIP: ip("203.0.113.77"), userAgent: bytes("Mozilla/5.0 test")),
    csrfSecret: [UInt8](repeating: 7, count: 32), elevated: false, elevatedAttributes: [:], generation: 0)
}

/// Collects one completion, whichever thread/time it comes; `answeredSynchronously` records
/// whether it ran before the call returned.
final class Completion<T> {
  var result: Result<T, SessionError>?
  var callCount = 0
  func callback() -> (Result<T, SessionError>) -> Void {
    { [self] in
      result = $0
      callCount += 1
    }
  }
}

func hmac(_ key: [UInt8], _ message: [UInt8]) -> [UInt8] {
  HMACSHA256.authenticate(key: key, message: message)
}
func sha256(_ data: [UInt8]) -> [UInt8] { SHA256.hash(data) }

func hexString(_ bytes: [UInt8]) -> String {
  bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
}

/// Independent base64url encoder (unpadded) for building hostile inputs.
func base64url(_ data: [UInt8]) -> String {
  let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
  var out = ""
  var i = 0
  while i < data.count {
    let chunk = Array(data[i..<min(i + 3, data.count)])
    var v = 0
    for j in 0..<3 { v = v << 8 | (j < chunk.count ? Int(chunk[j]) : 0) }
    let chars = chunk.count + 1
    for j in 0..<chars { out.append(alphabet[(v >> (18 - 6 * j)) & 63]) }
    i += 3
  }
  return out
}
