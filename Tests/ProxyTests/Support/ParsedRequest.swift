import Config
import EventLoop
import HTTP1
import Net
import XCTest

@testable import Proxy

/// A request head parsed for a phase test, with the view a phase gets. The bytes live as long
/// as this object. (Answers to a waker it hands out are dropped: phase tests answer at once.)
final class ParsedRequest: ExchangeHost {
  var head: RequestHead { headAddress.pointee }
  private let headAddress: UnsafeMutablePointer<RequestHead>
  private let storage: UnsafeMutableRawBufferPointer
  let headLength: Int

  init(_ text: String) throws {
    let bytes = Array(text.utf8)
    storage = .allocate(byteCount: max(bytes.count, 1), alignment: 8)
    storage.copyMemory(from: UnsafeRawBufferPointer(start: bytes, count: bytes.count))
    var parser = HeadParser()
    var head = RequestHead()
    let result = parser.parseRequest(UnsafeRawBufferPointer(rebasing: storage[0..<bytes.count]), into: &head)
    guard case .complete = result else {
      storage.deallocate()
      throw HarnessError("not a complete head: \(result)")
    }
    headAddress = .allocate(capacity: 1)
    headAddress.initialize(to: head)
    self.headLength = head.headLength
  }

  deinit {
    storage.deallocate()
    headAddress.deinitialize(count: 1)
    headAddress.deallocate()
  }

  func view(upstreamOut: ByteBuffer? = nil, peer: String = "192.0.2.7:40000") -> RequestView {
    let bytes = UnsafeRawBufferPointer(start: storage.baseAddress, count: headLength)
    return RequestView(
      head: headAddress, bytes: bytes,
      body: UnsafeRawBufferPointer(start: storage.baseAddress! + headLength, count: 0),
      bodyRoom: 0, peer: SocketAddress.parse(peer)!, now: 1, upstreamOut: upstreamOut,
      waker: Waker(host: self, generation: 1))
  }

  /// The field values of `head` with this name (case-insensitive), in order.
  func values(_ name: String) -> [String] {
    let bytes = UnsafeRawBufferPointer(start: storage.baseAddress, count: headLength)
    return head.fields.filter { String(decoding: $0.name(in: bytes), as: UTF8.self).lowercased() == name }
      .map { String(decoding: $0.value(in: bytes), as: UTF8.self) }
  }

  func resume(generation: Int, _ deliver: (inout RequestContext) -> Void) {}
}

struct HarnessError: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}
