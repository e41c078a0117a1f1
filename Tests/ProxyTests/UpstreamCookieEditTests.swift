import XCTest

@testable import Proxy

/// The `Cookie` field the app receives: the client's fields folded into one, minus the cookies
/// stripped by configuration, removed by name or by a filter, plus the added ones.
final class UpstreamCookieEditTests: XCTestCase {
  /// Removes every name that starts with the prefix (as a consent filter removes a category).
  struct PrefixFilter: CookieNameFilter {
    let prefix: [UInt8]
    func removes(_ name: UnsafeBufferPointer<UInt8>) -> Bool { name.starts(with: prefix) }
  }

  func testApply() {
    typealias Edit = (inout UpstreamCookieEdit) -> Void
    let cases: [(name: String, fields: [String], fixed: [String], edit: Edit, expected: String?)] = [
      ("no edit, nothing fixed", ["a=1; b=2"], [], { _ in }, "a=1; b=2"),
      ("session cookie stripped", ["sid=t; a=1"], ["sid"], { _ in }, "a=1"),
      ("retired name stripped too", ["old=t; sid=u; a=1"], ["sid", "old"], { _ in }, "a=1"),
      ("only the session cookie: no field", ["sid=t"], ["sid"], { _ in }, nil),
      ("several fields fold into one", ["a=1", "sid=t; b=2", "c=3"], ["sid"], { _ in }, "a=1; b=2; c=3"),
      (
        "removed by name, every occurrence", ["JSESSIONID=x; a=1", "JSESSIONID=y"], [],
        { $0.remove(name: "JSESSIONID") }, "a=1"
      ),
      ("names are case-sensitive", ["jsessionid=x"], [], { $0.remove(name: "JSESSIONID") }, "jsessionid=x"),
      (
        "filter", ["_ga=1; _gid=2; theme=dark"], [],
        { $0.filter(with: PrefixFilter(prefix: Array("_g".utf8))) }, "theme=dark"
      ),
      (
        "added after the client's", ["a=1"], [], { $0.add(name: Array("J".utf8), value: Array("v".utf8)) },
        "a=1; J=v"
      ),
      (
        "added with no client cookie", [], [], { $0.add(name: Array("J".utf8), value: Array("v".utf8)) },
        "J=v"
      ),
      (
        "added replaces a client copy", ["J=forged; a=1"], [],
        { $0.add(name: Array("J".utf8), value: Array("v".utf8)) }, "a=1; J=v"
      ),
      (
        "a second add of a name replaces the first", ["a=1"], [],
        {
          $0.add(name: Array("J".utf8), value: Array("old".utf8))
          $0.add(name: Array("J".utf8), value: Array("new".utf8))
        },
        "a=1; J=new"
      ),
      (
        "everything at once", ["sid=t; _ga=1; J=forged", "theme=dark"], ["sid"],
        {
          $0.filter(with: PrefixFilter(prefix: Array("_".utf8)))
          $0.add(name: Array("J".utf8), value: Array("v".utf8))
        },
        "theme=dark; J=v"
      ),
      ("empty segments and whitespace", [" ; a = 1 ;; sid=t ;"], ["sid"], { _ in }, "a = 1"),
    ]
    for c in cases {
      var edit = UpstreamCookieEdit()
      c.edit(&edit)
      let fields = c.fields.map { Array($0.utf8) }
      let out = withRawBuffers(fields) { edit.apply(to: $0, alsoRemoving: c.fixed.map { Array($0.utf8) }) }
      XCTAssertEqual(out.map { String(decoding: $0, as: UTF8.self) }, c.expected, c.name)
    }
  }

  func testEmptyUntilEdited() {
    var edit = UpstreamCookieEdit()
    XCTAssertTrue(edit.isEmpty)
    edit.remove(name: "a")
    XCTAssertFalse(edit.isEmpty)
  }

  /// The fields as raw buffers that stay valid for `body`.
  private func withRawBuffers<R>(_ fields: [[UInt8]], _ body: ([UnsafeRawBufferPointer]) -> R) -> R {
    let storage = fields.map { bytes -> UnsafeMutableRawBufferPointer in
      let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 1)
      buffer.copyBytes(from: bytes)
      return buffer
    }
    defer { storage.forEach { $0.deallocate() } }
    return body(storage.map { UnsafeRawBufferPointer($0) })
  }
}
