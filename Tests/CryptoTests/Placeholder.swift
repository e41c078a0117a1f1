import XCTest

final class CryptoTestsPlaceholder: XCTestCase {
  func testPlaceholder() { XCTAssertTrue(true) }
}
