import Net
import XCTest

final class IPAddressTests: XCTestCase {
  func testParse() {
    let cases: [(name: String, text: String, expected: IPAddress?, description: String?)] = [
      ("v4", "10.1.2.3", .v4(0x0A01_0203), "10.1.2.3"),
      ("v4 zero", "0.0.0.0", .v4(0), "0.0.0.0"),
      ("v4 broadcast", "255.255.255.255", .v4(0xFFFF_FFFF), "255.255.255.255"),
      ("v6 loopback", "::1", .v6(0, 1), "::1"),
      ("v6 any", "::", .v6(0, 0), "::"),
      ("v6 full", "2001:db8:0:0:0:0:0:1", .v6(0x2001_0DB8_0000_0000, 1), "2001:db8::1"),
      ("v6 upper case", "2001:DB8::A", .v6(0x2001_0DB8_0000_0000, 0xA), "2001:db8::a"),
      ("v4-mapped normalised", "::ffff:10.1.2.3", .v4(0x0A01_0203), "10.1.2.3"),
      ("v4-mapped hex normalised", "::ffff:a01:203", .v4(0x0A01_0203), "10.1.2.3"),
      ("v4-compatible is not mapped", "::10.1.2.3", .v6(0, 0x0A01_0203), "::10.1.2.3"),
      ("empty", "", nil, nil),
      ("name", "localhost", nil, nil),
      ("v4 octet too large", "256.1.1.1", nil, nil),
      ("v4 too few parts", "10.1.2", nil, nil),
      ("v4 with port", "10.1.2.3:80", nil, nil),
      ("v4 leading space", " 10.1.2.3", nil, nil),
      ("v6 brackets", "[::1]", nil, nil),
      ("v6 two double colons", "1::2::3", nil, nil),
      ("v6 zone", "fe80::1%eth0", nil, nil),
      ("cidr", "10.0.0.0/8", nil, nil),
    ]
    for c in cases {
      let parsed = IPAddress(c.text)
      XCTAssertEqual(parsed, c.expected, c.name)
      XCTAssertEqual(parsed?.description, c.description, c.name)
    }
  }

  func testLoopback() {
    let cases: [(name: String, text: String, loopback: Bool)] = [
      ("v4 loopback", "127.0.0.1", true), ("v4 loopback net", "127.255.0.9", true),
      ("v4 other", "10.0.0.1", false), ("v6 loopback", "::1", true), ("v6 other", "::2", false),
      ("mapped loopback", "::ffff:127.0.0.1", true),
    ]
    for c in cases { XCTAssertEqual(IPAddress(c.text)?.isLoopback, c.loopback, c.name) }
  }
}

final class CIDRTests: XCTestCase {
  func testParse() {
    let cases: [(name: String, text: String, expected: String?)] = [
      ("v4 /8", "10.0.0.0/8", "10.0.0.0/8"),
      ("host bits cleared", "10.1.2.3/8", "10.0.0.0/8"),
      ("bare v4 is /32", "10.1.2.3", "10.1.2.3/32"),
      ("bare v6 is /128", "::1", "::1/128"),
      ("v6 /32", "2001:db8::/32", "2001:db8::/32"),
      ("v6 /64 clears low half", "2001:db8:1:2:3:4:5:6/64", "2001:db8:1:2::/64"),
      ("v4 /0", "1.2.3.4/0", "0.0.0.0/0"),
      ("v6 /0", "::1/0", "::/0"),
      ("v6 /65", "2001:db8:1:2:ffff::/65", "2001:db8:1:2:8000::/65"),
      ("mapped becomes v4", "::ffff:10.0.0.0/8", "10.0.0.0/8"),
      ("v4 prefix too long", "10.0.0.0/33", nil),
      ("v6 prefix too long", "::/129", nil),
      ("negative prefix", "10.0.0.0/-1", nil),
      ("plus sign prefix", "10.0.0.0/+8", nil),
      ("empty prefix", "10.0.0.0/", nil),
      ("text prefix", "10.0.0.0/eight", nil),
      ("bad address", "10.0.0/8", nil),
      ("empty", "", nil),
    ]
    for c in cases { XCTAssertEqual(CIDR(c.text)?.description, c.expected, c.name) }
  }

  func testContains() {
    let cases: [(name: String, cidr: String, address: String, contains: Bool)] = [
      ("inside /8", "10.0.0.0/8", "10.255.1.2", true),
      ("outside /8", "10.0.0.0/8", "11.0.0.0", false),
      ("first of /24", "192.168.1.0/24", "192.168.1.0", true),
      ("last of /24", "192.168.1.0/24", "192.168.1.255", true),
      ("next after /24", "192.168.1.0/24", "192.168.2.0", false),
      ("/32 itself", "10.1.2.3", "10.1.2.3", true),
      ("/32 neighbour", "10.1.2.3", "10.1.2.4", false),
      ("/0 everything v4", "0.0.0.0/0", "203.0.113.9", true),
      ("v4 subnet, mapped peer", "10.0.0.0/8", "::ffff:10.9.9.9", true),
      ("v4 subnet, v6 peer", "0.0.0.0/0", "::1", false),
      ("v6 subnet, v4 peer", "::/0", "10.0.0.1", false),
      ("v6 /32 inside", "2001:db8::/32", "2001:db8:ffff::1", true),
      ("v6 /32 outside", "2001:db8::/32", "2001:db9::1", false),
      ("v6 /65 inside", "2001:db8:1:2:8000::/65", "2001:db8:1:2:ffff::1", true),
      ("v6 /65 outside", "2001:db8:1:2:8000::/65", "2001:db8:1:2:7fff::1", false),
      ("v6 /128", "::1", "::1", true),
    ]
    for c in cases {
      guard let cidr = CIDR(c.cidr), let address = IPAddress(c.address) else {
        XCTFail("\(c.name): fixture does not parse")
        continue
      }
      XCTAssertEqual(cidr.contains(address), c.contains, c.name)
    }
  }
}

final class SocketAddressTests: XCTestCase {
  func testParse() {
    let cases: [(name: String, text: String, expected: String?)] = [
      ("v4", "127.0.0.1:80", "127.0.0.1:80"),
      ("v4 port 0", "0.0.0.0:0", "0.0.0.0:0"),
      ("v4 max port", "10.0.0.1:65535", "10.0.0.1:65535"),
      ("v6", "[::1]:8080", "[::1]:8080"),
      ("v6 any", "[::]:443", "[::]:443"),
      ("mapped becomes v4", "[::ffff:127.0.0.1]:80", "127.0.0.1:80"),
      ("port too large", "127.0.0.1:65536", nil),
      ("port with sign", "127.0.0.1:+80", nil),
      ("port too long", "127.0.0.1:000080", nil),
      ("no port", "127.0.0.1", nil),
      ("empty port", "127.0.0.1:", nil),
      ("v6 without brackets", "::1:80", nil),
      ("v6 brackets without port", "[::1]", nil),
      ("v6 unclosed bracket", "[::1:80", nil),
      ("name", "localhost:80", nil),
      ("empty host", ":80", nil),
      ("empty", "", nil),
    ]
    for c in cases { XCTAssertEqual(SocketAddress.parse(c.text)?.description, c.expected, c.name) }
  }
}
