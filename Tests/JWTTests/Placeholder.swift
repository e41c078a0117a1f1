import XCTest

final class JWTTestsPlaceholder: XCTestCase {
  func testPlaceholder() { XCTAssertTrue(true) }
}
