import XCTest

final class EventLoopTestsPlaceholder: XCTestCase {
  func testPlaceholder() { XCTAssertTrue(true) }
}
