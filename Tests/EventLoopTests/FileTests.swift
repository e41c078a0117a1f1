import EventLoop
import Foundation
import XCTest

/// `File.readAll`: contents, the limit, and errors named by call and errno text.
final class FileTests: XCTestCase {
  private var directory: URL!

  override func setUpWithError() throws {
    directory = FileManager.default.temporaryDirectory.appendingPathComponent("gh-file-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
  }

  override func tearDownWithError() throws {
    try FileManager.default.removeItem(at: directory)
  }

  private func file(_ name: String, size: Int) throws -> String {
    let url = directory.appendingPathComponent(name)
    try Data((0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }).write(to: url)
    return url.path
  }

  func testReadsWholeFilesUpToTheLimit() throws {
    let cases: [(name: String, size: Int, limit: Int)] = [
      ("empty", 0, 10),
      ("small", 5, 10),
      ("exactly the limit", 10, 10),
      ("several read chunks", 200_000, 1 << 20),
      ("exactly the limit, several chunks", 65536 * 2, 65536 * 2),
    ]
    for c in cases {
      let path = try file(c.name, size: c.size)
      let expected = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
      XCTAssertEqual(try File.readAll(path: path, limit: c.limit), expected, c.name)
    }
  }

  func testErrorsNameTheCallAndTheReason() throws {
    let tooLong = try file("eleven", size: 11)
    let cases:
      [(name: String, path: String, limit: Int, call: String, description: String, overLimit: Bool)] = [
        (
          "missing", directory.appendingPathComponent("nope").path, 10, "open",
          "open: No such file or directory", false
        ),
        ("directory", directory.path, 10, "read", "read: Is a directory", false),
        ("over the limit", tooLong, 10, "read", "read: File too large", true),
      ]
    for c in cases {
      XCTAssertThrowsError(try File.readAll(path: c.path, limit: c.limit), c.name) { error in
        guard let error = error as? SystemError else { return XCTFail("\(c.name): \(error)") }
        XCTAssertEqual(error.call, c.call, c.name)
        XCTAssertEqual(error.description, c.description, c.name)
        XCTAssertEqual(error.isOverLimit, c.overLimit, c.name)
      }
    }
  }

  func testWriteCreatesOrTruncatesAndReadsBack() throws {
    let path = directory.appendingPathComponent("out.txt").path
    try File.write(path: path, bytes: Array("first, longer content".utf8))
    try File.write(path: path, bytes: Array("second".utf8))
    XCTAssertEqual(try File.readAll(path: path, limit: 100), Array("second".utf8), "truncated, then written")
    XCTAssertThrowsError(try File.write(path: directory.path, bytes: [1])) { error in
      XCTAssertEqual((error as? SystemError)?.call, "open")
      XCTAssertEqual((error as? SystemError)?.code, EISDIR)
    }
  }
}
