import Config
import Glibc
import HTTP1
import Logging
import XCTest

@testable import Proxy

final class AccessLogTests: XCTestCase {
  /// Lines written to a sink whose fd is a pipe, read back after `flush()`.
  private func capture(format: LogFormat, _ body: (LogSink) -> Void) -> String {
    var fds: [Int32] = [0, 0]
    XCTAssertEqual(pipe(&fds), 0)
    let sink = LogSink(fd: fds[1], format: format)
    body(sink)
    sink.flush()
    close(fds[1])
    var out: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
      let n = read(fds[0], &buffer, buffer.count)
      if n <= 0 { break }
      out += buffer[0..<n]
    }
    close(fds[0])
    return String(decoding: out, as: UTF8.self)
  }

  private func sampleContext() -> RequestContext {
    var context = RequestContext()
    context.startNanos = 1
    context.startWallNanos = 1_700_000_000_123_000_000
    context.traceHigh = 0x0af7_6519_16cd_43dd
    context.traceLow = 0x8448_eb21_1c80_319c
    context.spanID = 0xb7ad_6b71_6920_3331
    context.clientRequestID = Array("req-1".utf8)
    context.method = .get
    context.methodText = "GET"
    context.pathText = "/orders"
    context.peerText = Array("10.0.0.7".utf8)
    context.status = 200
    context.bytesIn = 12
    context.bytesOut = 345
    context.upstreamStartNanos = 10
    context.upstreamHeadNanos = 2_000_010
    context.authMethod = "public"
    context.principalHash = "p:3f2a"
    return context
  }

  func testAccessLineHasTheDocumentedFields() {
    let text = capture(format: .json) { sink in
      AccessLog.write(sampleContext(), routeName: "orders", peer: nil, to: sink)
    }
    let lines = text.split(separator: "\n")
    XCTAssertEqual(lines.count, 1, "one line per request")
    let expected = [
      #""time":"2023-11-14T22:13:20.123Z""#, #""event":"access""#,
      #""trace_id":"0af7651916cd43dd8448eb211c80319c""#, #""span_id":"b7ad6b7169203331""#,
      #""request_id":"req-1""#, #""client_ip":"10.0.0.7""#, #""method":"GET""#, #""path":"/orders""#,
      #""status":200"#, #""bytes_in":12"#, #""bytes_out":345"#, #""duration_ms":"#, #""upstream_ms":2.0"#,
      #""route":"orders""#, #""auth":"public""#, #""principal":"p:3f2a""#,
    ]
    for field in expected {
      XCTAssertTrue(lines[0].contains(field), "missing \(field) in \(lines[0])")
    }
    XCTAssertTrue(lines[0].hasPrefix("{") && lines[0].hasSuffix("}"))
  }

  func testTextFormatIsLogfmt() {
    let cases: [(name: String, key: String, value: String, expected: String)] = [
      ("plain", "path", "/a", "path=/a"),
      ("space quoted", "message", "two words", #"message="two words""#),
      ("quote escaped", "message", #"say "hi""#, #"message="say \"hi\"""#),
      ("empty quoted", "path", "", #"path="""#),
      ("equals quoted", "q", "a=b", #"q="a=b""#),
    ]
    for c in cases {
      var line = LogLine(format: .text)
      line.add(c.key, c.value)
      XCTAssertEqual(String(decoding: line.finish(), as: UTF8.self), c.expected + "\n", c.name)
    }
  }

  func testSecurityEventRespectsLevel() {
    let context = sampleContext()
    let cases: [(name: String, level: LogLevelCase, lines: Int)] = [
      ("info writes", .info, 1), ("warning writes", .warning, 1), ("error suppresses", .error, 0),
    ]
    for c in cases {
      let text = capture(format: .json) { sink in
        sink.configure(level: c.level.level, format: .json)
        SecurityLog.write(kind: "spoofed_header", count: 2, context: context, clientIP: "10.0.0.7", to: sink)
      }
      let lines = text.split(separator: "\n")
      XCTAssertEqual(lines.count, c.lines, c.name)
      if let line = lines.first {
        XCTAssertTrue(
          line.contains(#""event":"security","kind":"spoofed_header","count":2"#), "\(c.name): \(line)")
      }
    }
  }

  func testReloadSwitchesHandlerFormatAndLevel() {
    let text = capture(format: .json) { sink in
      var handler = JSONLogHandler(label: "t", sink: sink)
      handler.metadata = [:]
      handler.log(
        event: .init(
          level: .info, message: "first", metadata: nil, source: "t", file: "f", function: "g", line: 1))
      sink.configure(level: .error, format: .text)
      XCTAssertEqual(handler.logLevel, .error, "level follows the sink")
      handler.log(
        event: .init(
          level: .error, message: "second one", metadata: ["event": "x"], source: "t", file: "f",
          function: "g", line: 1))
    }
    let lines = text.split(separator: "\n")
    XCTAssertEqual(lines.count, 2)
    XCTAssertTrue(lines[0].contains(#""message":"first""#), String(lines[0]))
    XCTAssertTrue(lines[1].contains(#"level=error event=x message="second one""#), String(lines[1]))
  }
}

/// Levels used by the table above (Logger.Level without importing Logging into every case).
enum LogLevelCase {
  case info, warning, error
  var level: Logger.Level {
    switch self {
    case .info: return .info
    case .warning: return .warning
    case .error: return .error
    }
  }
}
