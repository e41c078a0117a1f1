import EventLoop
import Sessions
import XCTest

@testable import Proxy

/// The identity lines of a session grant as the upstream request gets them: the rendered lines,
/// then the CSRF header with this request's masked token encoded straight into the buffer.
final class IdentityLinesTests: XCTestCase {
  private func identity(csrf: Bool) -> VerifiedTicketCache.Identity {
    let secret = [UInt8](repeating: 7, count: SessionRecord.csrfSecretByteCount)
    return VerifiedTicketCache.Identity(
      generation: 3, userID: "alice", lines: Array("X-User-Id: alice\r\nX-Auth-Method: session\r\n".utf8),
      csrfName: csrf ? Array("X-CSRF-Token: ".utf8) : [], csrfSecret: secret,
      csrfBase: csrf ? CSRFToken.base(secret: secret, generation: 3) : [], principalHash: "p")
  }

  private func token(_ identity: VerifiedTicketCache.Identity) -> MaskedCSRFToken {
    let mask = (0..<CSRFToken.baseByteCount).map { UInt8(truncatingIfNeeded: $0 &* 29 &+ 5) }
    return mask.withUnsafeBufferPointer { MaskedCSRFToken(base: identity.csrfBase, mask: $0) }
  }

  private func written(_ buffer: ByteBuffer) -> String {
    String(decoding: UnsafeRawBufferPointer(start: buffer.readPointer, count: buffer.readable), as: UTF8.self)
  }

  func testLinesThenTheMaskedTokenThatVerifies() {
    let identity = identity(csrf: true)
    let csrf = token(identity)
    let buffer = ByteBuffer(capacity: 1024)
    XCTAssertTrue(IdentityLines(identity, csrf: csrf).write(into: buffer))
    let text = written(buffer)
    XCTAssertEqual(text, "X-User-Id: alice\r\nX-Auth-Method: session\r\nX-CSRF-Token: \(csrf.text)\r\n")
    XCTAssertEqual(csrf.text.utf8.count, CSRFToken.encodedLength)
    XCTAssertTrue(
      CSRFToken.verify(token: csrf.text, secret: identity.csrfSecret, generation: identity.generation))
  }

  func testWithoutCSRFOnlyTheLines() {
    let identity = identity(csrf: false)
    let buffer = ByteBuffer(capacity: 1024)
    XCTAssertTrue(IdentityLines(identity, csrf: nil).write(into: buffer))
    XCTAssertEqual(written(buffer), "X-User-Id: alice\r\nX-Auth-Method: session\r\n")
  }

  /// All or nothing: lines that do not fit leave the buffer as it was.
  func testTooLittleRoomWritesNothing() {
    let identity = identity(csrf: true)
    let needed = identity.lines.count + identity.csrfName.count + CSRFToken.encodedLength + 2
    let exact = ByteBuffer(capacity: needed)
    XCTAssertTrue(IdentityLines(identity, csrf: token(identity)).write(into: exact))
    XCTAssertEqual(exact.readable, needed)
    let short = ByteBuffer(capacity: needed - 1)
    XCTAssertFalse(IdentityLines(identity, csrf: token(identity)).write(into: short))
    XCTAssertEqual(short.readable, 0)
  }
}
