import HTTP1
import XCTest

/// Deterministic generator for split points (SplitMix64), so failures reproduce.
struct SeededGenerator: RandomNumberGenerator {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

/// How a test feeds a message to a parser: the growing prefix lengths passed on successive calls.
enum Feeding {
  case whole
  case byteByByte
  case random(seed: UInt64)

  func cuts(total: Int) -> [Int] {
    switch self {
    case .whole: return [total]
    case .byteByByte: return total == 0 ? [0] : Array(1...total)
    case .random(let seed):
      var rng = SeededGenerator(seed: seed)
      var cuts: [Int] = []
      var at = 0
      while at < total {
        at = Swift.min(total, at + Int(rng.next() % 7) + 1)
        cuts.append(at)
      }
      return cuts.isEmpty ? [0] : cuts
    }
  }
}

struct FieldSummary: Equatable, CustomStringConvertible {
  var name: String
  var value: String
  var flags: FieldFlags
  var description: String { "\(name): \(value) [\(flags.rawValue)]" }
}

func text(_ buffer: UnsafeRawBufferPointer, _ start: Int, _ length: Int) -> String {
  String(decoding: UnsafeRawBufferPointer(rebasing: buffer[start..<start + length]), as: UTF8.self)
}

func summarise(_ fields: [HTTPField], _ buffer: UnsafeRawBufferPointer) -> [FieldSummary] {
  fields.map {
    FieldSummary(
      name: String(decoding: $0.name(in: buffer), as: UTF8.self),
      value: String(decoding: $0.value(in: buffer), as: UTF8.self), flags: $0.flags)
  }
}

/// Everything observable about a parsed request, as plain values.
struct RequestSummary: Equatable {
  var method: HTTPMethod
  var methodText: String
  var target: String
  var path: String
  var versionMinor: Int
  var framing: BodyFraming
  var keepAlive: Bool
  var expectContinue: Bool
  var upgrade: Bool
  var host: String?
  var rest: String
  var fields: [FieldSummary]
}

struct ResponseSummary: Equatable {
  var status: Int
  var reason: String
  var versionMinor: Int
  var framing: BodyFraming
  var keepAlive: Bool
  var upgrade: Bool
  var rest: String
  var fields: [FieldSummary]
}

enum Outcome<Summary: Equatable>: Equatable {
  case incomplete
  case failed(HTTPParseError.Kind)
  case parsed(Summary)
}

func parseRequest(_ bytes: [UInt8], limits: HeadLimits, feeding: Feeding) -> Outcome<RequestSummary> {
  var parser = HeadParser(limits: limits)
  var head = RequestHead()
  for cut in feeding.cuts(total: bytes.count) {
    let outcome: Outcome<RequestSummary>? = bytes.withUnsafeBytes { all in
      let buffer = UnsafeRawBufferPointer(rebasing: all[0..<cut])
      switch parser.parseRequest(buffer, into: &head) {
      case .incomplete: return nil
      case .failed(let error): return .failed(error.kind)
      case .complete:
        return .parsed(
          RequestSummary(
            method: head.method, methodText: text(buffer, head.methodStart, head.methodLength),
            target: text(buffer, head.targetStart, head.targetLength),
            path: text(buffer, head.targetStart, head.pathLength), versionMinor: head.versionMinor,
            framing: head.framing, keepAlive: head.keepAlive, expectContinue: head.expectContinue,
            upgrade: head.upgrade,
            host: head.hostIndex < 0
              ? nil : String(decoding: head.fields[head.hostIndex].value(in: buffer), as: UTF8.self),
            rest: String(decoding: all[head.headLength...], as: UTF8.self),
            fields: summarise(head.fields, buffer)))
      }
    }
    if let outcome { return outcome }
  }
  return .incomplete
}

func parseResponse(_ bytes: [UInt8], method: HTTPMethod, feeding: Feeding) -> Outcome<ResponseSummary> {
  var parser = HeadParser(limits: HeadLimits())
  var head = ResponseHead()
  for cut in feeding.cuts(total: bytes.count) {
    let outcome: Outcome<ResponseSummary>? = bytes.withUnsafeBytes { all in
      let buffer = UnsafeRawBufferPointer(rebasing: all[0..<cut])
      switch parser.parseResponse(buffer, requestMethod: method, into: &head) {
      case .incomplete: return nil
      case .failed(let error): return .failed(error.kind)
      case .complete:
        return .parsed(
          ResponseSummary(
            status: head.status, reason: text(buffer, head.reasonStart, head.reasonLength),
            versionMinor: head.versionMinor, framing: head.framing, keepAlive: head.keepAlive,
            upgrade: head.upgrade, rest: String(decoding: all[head.headLength...], as: UTF8.self),
            fields: summarise(head.fields, buffer)))
      }
    }
    if let outcome { return outcome }
  }
  return .incomplete
}
