import XCTest

final class HTTP1TestsPlaceholder: XCTestCase {
  func testPlaceholder() { XCTAssertTrue(true) }
}
