import EventLoop
import Net
import XCTest

/// The kernel side of `SocketAddress` (EventLoop): `sockaddr` conversions and resolution.
final class SocketAddressKernelTests: XCTestCase {
  func testSockAddrRoundTrip() {
    for text in ["127.0.0.1:80", "[::1]:8080", "[2001:db8::7]:1", "10.9.8.7:65535"] {
      let address = SocketAddress.parse(text)!
      let back = address.withSockAddr { pointer, _ in SocketAddress(sockaddr: pointer) }
      XCTAssertEqual(back, address, text)
    }
  }

  func testResolveNumericDoesNotNeedDNS() {
    XCTAssertEqual(SocketAddress.resolve(host: "10.0.0.1", port: 9).map(\.description), ["10.0.0.1:9"])
  }
}
