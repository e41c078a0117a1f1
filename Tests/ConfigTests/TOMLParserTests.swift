import FuzzSeedSupport
import XCTest

@testable import Config

/// Compact rendering of a parsed document for table-driven comparisons: strings are quoted with
/// Swift escapes, floats carry an `f` suffix, tables keep key order.
func render(_ value: TOMLValue) -> String {
  switch value {
  case .string(let s): return String(reflecting: s)
  case .integer(let i): return "\(i)"
  case .float(let f): return "\(f)f"
  case .bool(let b): return "\(b)"
  case .array(let a): return "[" + a.elements.map(render).joined(separator: ",") + "]"
  case .table(let t):
    return "{" + t.entries.map { "\($0.key)=\(render($0.value))" }.joined(separator: ",") + "}"
  }
}

final class TOMLParserTests: XCTestCase {
  func testValidDocuments() {
    let cases: [(name: String, input: String, expected: String)] = [
      ("empty", "", "{}"),
      ("only comments and blank lines", "# c\n\n   # d\n", "{}"),
      ("bare key", "a = 1", "{a=1}"),
      ("bare key with dash and underscore", "a-b_c = 1", "{a-b_c=1}"),
      ("digits as key", "1234 = 1", "{1234=1}"),
      ("quoted key", "\"a b\" = 1", "{a b=1}"),
      ("literal key", "'a.b' = 1", "{a.b=1}"),
      ("empty quoted key", "\"\" = 1", "{=1}"),
      ("dotted key", "a.b.c = 1", "{a={b={c=1}}}"),
      ("dotted key with spaces", "a . b = 1", "{a={b=1}}"),
      ("dotted keys extend their table", "a.b = 1\na.c = 2", "{a={b=1,c=2}}"),
      ("comment after value", "a = 1 # note", "{a=1}"),
      ("CRLF line endings", "a = 1\r\nb = 2\r\n", "{a=1,b=2}"),
      ("tabs around equals", "a\t=\t1", "{a=1}"),
      ("basic string", #"a = "x y""#, #"{a="x y"}"#),
      ("escapes", #"a = "\b\t\n\f\r\"\\""#, #"{a="\u{08}\t\n\u{0C}\r\"\\"}"#),
      ("unicode escapes", #"a = "\u00E9\U0001F600""#, #"{a="é😀"}"#),
      ("utf-8 text", "a = \"héllo ✓\"", #"{a="héllo ✓"}"#),
      ("literal string keeps backslashes", #"a = 'C:\path\n'"#, #"{a="C:\\path\\n"}"#),
      ("multi-line basic drops first newline", "a = \"\"\"\nx\ny\"\"\"", #"{a="x\ny"}"#),
      ("multi-line basic line-ending backslash", "a = \"\"\"one \\\n   two\"\"\"", #"{a="one two"}"#),
      ("multi-line basic with quotes inside", "a = \"\"\"say \"hi\"\"\"\"", #"{a="say \"hi\""}"#),
      ("multi-line basic two quotes before close", "a = \"\"\"x\"\"\"\"\"", #"{a="x\"\""}"#),
      ("multi-line literal", "a = '''\nC:\\x\n'''", #"{a="C:\\x\n"}"#),
      ("multi-line literal with quote before close", "a = '''it''''", #"{a="it\'"}"#),
      ("integers", "a = 0\nb = +7\nc = -17\nd = 1_000_000", "{a=0,b=7,c=-17,d=1000000}"),
      (
        "integer limits", "a = 9223372036854775807\nb = -9223372036854775808",
        "{a=9223372036854775807,b=-9223372036854775808}"
      ),
      ("hex octal binary", "a = 0xDEAD_beef\nb = 0o755\nc = 0b1101", "{a=3735928559,b=493,c=13}"),
      (
        "floats", "a = 1.5\nb = -0.25\nc = 5e+2\nd = 6.626e-34\ne = 1_000.5",
        "{a=1.5f,b=-0.25f,c=500.0f,d=6.626e-34f,e=1000.5f}"
      ),
      ("special floats", "a = inf\nb = -inf", "{a=inff,b=-inff}"),
      ("booleans", "a = true\nb = false", "{a=true,b=false}"),
      ("array", "a = [1, 2, 3]", "{a=[1,2,3]}"),
      ("empty array", "a = []", "{a=[]}"),
      ("mixed array", #"a = [1, "x", [true]]"#, #"{a=[1,"x",[true]]}"#),
      (
        "multi-line array with comments and trailing comma", "a = [\n  1, # one\n  # nothing\n  2,\n]",
        "{a=[1,2]}"
      ),
      ("inline table", #"a = { x = 1, y.z = "s" }"#, #"{a={x=1,y={z="s"}}}"#),
      ("empty inline table", "a = {}", "{a={}}"),
      ("table header", "[server]\nlisten = \"x\"", #"{server={listen="x"}}"#),
      ("nested header creates parents", "[a.b.c]\nx = 1", "{a={b={c={x=1}}}}"),
      ("parent defined after child", "[a.b]\nx = 1\n[a]\ny = 2", "{a={b={x=1},y=2}}"),
      ("header with spaces and quotes", "[ a . \"b c\" ]\nx = 1", "{a={b c={x=1}}}"),
      (
        "sub-table under dotted table", "[f]\napple.color = 1\n[f.apple.texture]\nsmooth = true",
        "{f={apple={color=1,texture={smooth=true}}}}"
      ),
      ("array of tables", "[[route]]\na = 1\n[[route]]\na = 2", "{route=[{a=1},{a=2}]}"),
      (
        "sub-table of array element", "[[r]]\na = 1\n[r.sub]\nb = 2\n[[r]]\na = 3",
        "{r=[{a=1,sub={b=2}},{a=3}]}"
      ),
      ("header comment", "[a] # the a table\nx = 1", "{a={x=1}}"),
      ("byte order mark", "\u{FEFF}a = 1", "{a=1}"),
      ("no trailing newline", "a = \"x\"", #"{a="x"}"#),
    ]
    FuzzSeeds.record("toml", cases.map(\.input))
    for c in cases {
      do {
        let table = try TOMLParser.parse(c.input)
        XCTAssertEqual(render(.table(table)), c.expected, c.name)
      } catch {
        XCTFail("\(c.name): unexpected error \(error)")
      }
    }
  }

  func testNaNParses() throws {
    let table = try TOMLParser.parse("a = nan\nb = -nan")
    for key in ["a", "b"] {
      guard case .float(let value) = table[key] else { return XCTFail("\(key) is not a float") }
      XCTAssertTrue(value.isNaN, key)
    }
  }

  func testErrors() {
    let cases: [(name: String, input: String, line: Int, message: String)] = [
      ("missing equals", "a 1", 1, "expected `=`"),
      ("missing value", "a =", 1, "expected a value"),
      ("missing value before comment", "a = # x", 1, "expected a value"),
      ("unquoted string", "level = info", 1, "strings must be quoted"),
      ("two values on a line", "a = 1 2", 1, "expected a line break"),
      ("duplicate key", "a = 1\nb = 2\na = 3", 3, "duplicate key `a` (first defined at line 1)"),
      ("duplicate quoted key equals bare", "a = 1\n\"a\" = 2", 2, "duplicate key"),
      ("duplicate dotted key", "a.b = 1\na.b = 2", 2, "duplicate key `a.b`"),
      ("dotted key over a value", "a = 1\na.b = 2", 2, "cannot add to `a`"),
      ("table defined twice", "[a]\nx = 1\n\n[a]\ny = 2", 4, "table [a] is already defined at line 1"),
      ("table over dotted table", "[f]\napple.color = 1\n[f.apple]\nx = 1", 3, "already a table"),
      ("dotted key into header table", "[a.b]\nx = 1\n[a]\nb.y = 2", 4, "cannot add to `b`"),
      ("table over a value", "a = 1\n[a]", 2, "`a` is already an integer"),
      ("table over inline table", "a = {}\n[a.b]", 2, "already an inline table"),
      ("extend inline table with dotted key", "a = {x = 1}\na.y = 2", 2, "already an inline table"),
      ("array of tables over static array", "a = []\n[[a]]", 2, "already an array"),
      ("table over array of tables", "[[a]]\n[a]", 2, "already an array of tables"),
      ("array of tables over table", "[a]\n[[a]]", 2, "already a table"),
      ("unterminated header", "[a\nx = 1", 1, "expected `]`"),
      ("unterminated array header", "[[a]\nx = 1", 1, "expected `]]`"),
      ("empty header", "[]", 1, "expected a key"),
      ("text after header", "[a] x", 1, "expected a line break"),
      ("unterminated string", "a = \"abc", 1, "unterminated string"),
      ("basic string across lines", "a = \"abc\nd\"", 1, "cannot span lines"),
      ("invalid escape", #"a = "\x41""#, 1, "invalid escape"),
      ("short unicode escape", #"a = "\u12""#, 1, "exactly 4 hex digits"),
      ("surrogate escape", #"a = "\uD800""#, 1, "not a Unicode scalar"),
      ("control character in string", "a = \"x\u{01}y\"", 1, "must be escaped"),
      ("control character in comment", "# x\u{01}\na = 1", 1, "not allowed in a comment"),
      ("bare carriage return", "a = 1\rb = 2", 1, "carriage return"),
      ("unterminated multi-line string", "a = \"\"\"\nabc\n", 3, "unterminated multi-line string"),
      ("too many quotes", "a = \"\"\"x\"\"\"\"\"\"", 1, "too many quotes"),
      ("leading zero", "a = 01", 1, "invalid number"),
      ("double underscore", "a = 1__0", 1, "invalid number"),
      ("trailing underscore", "a = 10_", 1, "invalid number"),
      ("integer overflow", "a = 9223372036854775808", 1, "out of range"),
      ("hex with sign", "a = -0x10", 1, "invalid number"),
      ("bad hex digit", "a = 0xG", 1, "invalid integer"),
      ("octal out of range", "a = 0o8", 1, "invalid integer"),
      ("hex overflow", "a = 0xFFFFFFFFFFFFFFFF", 1, "invalid integer"),
      ("float without fraction digits", "a = 1.", 1, "invalid number"),
      ("float without int part", "a = .5", 1, "invalid number"),
      ("float out of range", "a = 1e999", 1, "out of range"),
      ("date refused", "a = 1979-05-27", 1, "date and time values are not supported"),
      ("time refused", "a = 07:32:00", 1, "date and time values are not supported"),
      ("array missing comma", "a = [1 2]", 1, "expected `,` or `]`"),
      ("array empty element", "a = [1,,2]", 1, "expected a value"),
      ("unterminated array", "a = [1,\n2,\n", 3, "expected a value"),
      ("inline table trailing comma", "a = {x = 1,}", 1, "trailing comma"),
      ("inline table across lines", "a = {x = 1\n}", 1, "same line"),
      ("inline table duplicate key", "a = {x = 1, x = 2}", 1, "duplicate key"),
      ("error line after multi-line string", "a = \"\"\"\n\n\"\"\"\nb = = 1", 4, "expected a value"),
      ("error line after multi-line array", "a = [\n1,\n2]\n[b]\nc = ?", 5, "expected a value"),
      ("too deep", "a = " + String(repeating: "[", count: 100), 1, "nested too deeply"),
    ]
    FuzzSeeds.record("toml", cases.map(\.input))
    for c in cases {
      do {
        let table = try TOMLParser.parse(c.input)
        XCTFail("\(c.name): expected an error, parsed \(render(.table(table)))")
      } catch {
        XCTAssertEqual(error.line, c.line, "\(c.name): line of \(error)")
        XCTAssertTrue(
          error.message.contains(c.message), "\(c.name): message \"\(error.message)\" lacks \"\(c.message)\"")
      }
    }
  }

  func testColumnPointsAtTheProblem() {
    let cases: [(name: String, input: String, column: Int)] = [
      ("missing equals", "key 1", 5),
      ("bad number", "a = 01", 5),
      ("after unicode", "\"é\" = @", 7),
      ("bad escape", #"a = "ab\q""#, 8),
    ]
    for c in cases {
      XCTAssertThrowsError(try TOMLParser.parse(c.input), c.name) { error in
        XCTAssertEqual((error as? TOMLError)?.column, c.column, "\(c.name): \(error)")
      }
    }
  }

  func testKeysAndValuesRememberTheirLines() throws {
    let text = """
      # comment
      top = 1

      [server]
      listen = "x"
      list = [
        "a",
        "b",
      ]
      text = \"\"\"
      one
      two\"\"\"
      after = true

      [[route]]
      name = "r1"
      [[route]]
      name = "r2"
      """
    let root = try TOMLParser.parse(text)
    XCTAssertEqual(root.keys, ["top", "server", "route"], "root keys keep source order")
    XCTAssertEqual(root.entry("top")?.keyLine, 2)
    let serverEntry = try XCTUnwrap(root.entry("server"))
    XCTAssertEqual(serverEntry.keyLine, 4)
    guard case .table(let server) = serverEntry.value else { return XCTFail("server is not a table") }
    XCTAssertEqual(server.line, 4)
    XCTAssertEqual(server.keys, ["listen", "list", "text", "after"])
    XCTAssertEqual(server.entry("listen")?.keyLine, 5)
    XCTAssertEqual(server.entry("list")?.valueLine, 6)
    guard case .array(let list) = server["list"] else { return XCTFail("list is not an array") }
    XCTAssertEqual(list.lines, [7, 8], "array element lines")
    XCTAssertEqual(server.entry("text")?.valueLine, 10)
    XCTAssertEqual(server.entry("after")?.keyLine, 13, "lines counted inside multi-line strings")
    guard case .array(let routes) = root["route"] else { return XCTFail("route is not an array") }
    XCTAssertTrue(routes.isArrayOfTables)
    XCTAssertEqual(routes.lines, [15, 17])
    guard case .table(let second) = routes.elements[1] else { return XCTFail("route[1] is not a table") }
    XCTAssertEqual(second.line, 17)
    XCTAssertEqual(second.entry("name")?.keyLine, 18)
  }

  /// Truncation anywhere (mid-string, mid-escape, mid-header) must give a value or a TOMLError,
  /// never a crash; the parser reads untrusted files.
  func testEveryPrefixParsesOrFailsCleanly() throws {
    let document = #"""
      a = "x\u00E9\n" # c
      b = """
      m \
        n"""
      c = '''l'''
      d = [1, 0x1F, -2.5e3, {x = 'y'}, [true]]
      [t."q k"]
      e.f = inf
      [[r]]
      g = 1_000
      """#
    var outcomes = Set<String>()
    for end in 0...document.utf8.count {
      guard let prefix = String(document.utf8.prefix(end)) else { continue }
      do {
        _ = try TOMLParser.parse(prefix)
        outcomes.insert("ok")
      } catch {
        XCTAssertGreaterThanOrEqual(error.line, 1, "prefix \(end): \(error)")
        outcomes.insert("error")
      }
    }
    XCTAssertEqual(outcomes, ["ok", "error"], "both outcomes occur")
    XCTAssertNoThrow(try TOMLParser.parse(document), "the whole document is valid")
  }
}
