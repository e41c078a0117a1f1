@testable import JWT

/// The full JSON parser and the span scanner the JWT hot path uses must agree: the scanner is as
/// strict as the parser, and the members it finds are the parser's members.
enum JSONFuzz {
  static func run(_ data: UnsafeRawBufferPointer) {
    let bytes = data.bindMemory(to: UInt8.self)
    let full = Result { () throws(JSONParseError) in try JSONParser.parse(bytes) }
    let scanned = Result { () throws(JSONParseError) in try JSONParser.scanObject(bytes) }
    switch scanned {
    case .failure(let error):
      FuzzCheck.require((try? full.get()) == nil, "scanner refused (\(error)) what the parser accepts")
    case .success(nil):
      if case .success(.object) = full { FuzzCheck.fail("scanner saw no object where the parser found one") }
    case .success(var spans?):
      if spans.needsFullParse {
        let resolved = Result { () throws(JSONParseError) in try spans.resolveFully() }
        guard case .success = resolved else {
          FuzzCheck.require((try? full.get()) == nil, "resolveFully refused what the parser accepts")
          return
        }
      }
      guard case .success(.object(let members)) = full else {
        FuzzCheck.fail("scanner accepted an object the parser refuses: \(full)")
      }
      FuzzCheck.require(spans.allMembers() == members, "scanner members differ from the parser's")
      for name in members.keys {
        FuzzCheck.require(spans.value(named: name) == members[name], "look-up of \(name) differs")
      }
    }
    if case .success(let value) = full {
      // The parser is deterministic and the depth bound holds for every value it returns.
      FuzzCheck.require(depth(value) <= JSONParser.defaultMaxDepth + 1, "nesting beyond maxDepth")
    }
  }

  static func depth(_ value: JSONValue) -> Int {
    switch value {
    case .array(let items): return 1 + (items.map(depth).max() ?? 0)
    case .object(let members): return 1 + (members.values.map(depth).max() ?? 0)
    default: return 1
    }
  }
}
