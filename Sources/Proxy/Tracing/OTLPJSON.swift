import Codecs

/// The OTLP/HTTP request body for a batch of spans in protobuf JSON encoding
/// (`resourceSpans` → `scopeSpans` → `spans`; trace and span ids as lower-case hex, times as
/// unix-nano strings, `intValue` as a string), with HTTP semantic-convention attributes. Pure.
enum OTLPJSON {
  static func encode(_ spans: [SpanRecord], serviceName: String) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(spans.count * 700 + 200)
    out += Array(#"{"resourceSpans":[{"resource":{"attributes":["#.utf8)
    attribute("service.name", string: serviceName, &out)
    out += Array(#"]},"scopeSpans":[{"scope":{"name":"gatehouse"},"spans":["#.utf8)
    var first = true
    for span in spans {
      let traceID = Hex.string64(span.traceHigh) + Hex.string64(span.traceLow)
      if !first { out.append(UInt8(ascii: ",")) }
      first = false
      open(
        traceID: traceID, spanID: span.spanID, parent: span.parentSpanID, name: span.name, kind: 2,
        start: span.start, end: span.end, &out)
      attribute("http.request.method", string: span.method, &out)
      out.append(UInt8(ascii: ","))
      attribute("url.path", string: span.path, &out)
      out.append(UInt8(ascii: ","))
      attribute("http.route", string: span.route, &out)
      out.append(UInt8(ascii: ","))
      attribute("http.response.status_code", int: span.status, &out)
      out.append(UInt8(ascii: ","))
      attribute("gatehouse.auth.method", string: span.authMethod, &out)
      if let user = span.userID {
        out.append(UInt8(ascii: ","))
        attribute("enduser.id", string: user, &out)
      }
      close(error: span.status >= 500, &out)
      for child in span.children {
        out.append(UInt8(ascii: ","))
        open(
          traceID: traceID, spanID: child.spanID, parent: span.spanID, name: child.name, kind: child.kind,
          start: child.start, end: child.end, &out)
        close(error: false, &out)
      }
    }
    out += Array("]}]}]}".utf8)
    return out
  }

  private static func open(
    traceID: String, spanID: UInt64, parent: UInt64, name: String, kind: Int, start: Int64, end: Int64,
    _ out: inout [UInt8]
  ) {
    out += Array(#"{"traceId":""#.utf8) + Array(traceID.utf8)
    out += Array(#"","spanId":""#.utf8) + Array(Hex.string64(spanID).utf8) + [UInt8(ascii: "\"")]
    if parent != 0 { out += Array(#","parentSpanId":""#.utf8) + Array(Hex.string64(parent).utf8) + [0x22] }
    out += Array(#","name":"#.utf8)
    JSONString.append(name, to: &out)
    out += Array(
      #","kind":\#(kind),"startTimeUnixNano":"\#(start)","endTimeUnixNano":"\#(end)","attributes":["#.utf8)
  }

  private static func close(error: Bool, _ out: inout [UInt8]) {
    out += Array(#"],"status":{"code":\#(error ? 2 : 0)}}"#.utf8)
  }

  private static func attribute(_ key: String, string value: String, _ out: inout [UInt8]) {
    out += Array(#"{"key":"#.utf8)
    JSONString.append(key, to: &out)
    out += Array(#","value":{"stringValue":"#.utf8)
    JSONString.append(value, to: &out)
    out += Array("}}".utf8)
  }

  private static func attribute(_ key: String, int value: Int, _ out: inout [UInt8]) {
    out += Array(#"{"key":"#.utf8)
    JSONString.append(key, to: &out)
    out += Array(#","value":{"intValue":"\#(value)"}}"#.utf8)
  }
}
