import EventLoop
import HTTP1

/// The `upstreamRequestFilter` phase: writes the request head the upstream receives.
///
/// - hop-by-hop fields (`Connection` and the fields it names, `Keep-Alive`, `TE`, `Trailer`,
///   `Transfer-Encoding`, `Upgrade`, `Proxy-Connection`) are dropped; `Connection`/`Upgrade` are
///   re-added only for a tunnel request;
/// - fields matching the strip list (identity claims, `_`≡`-`) are dropped and counted;
/// - `X-Forwarded-For`/`-Proto`/`-Host` are replaced; client-supplied values survive only when the
///   peer is a trusted proxy (then the peer is appended to its `X-Forwarded-For`);
/// - `traceparent` is continued with a new span id, or a new trace is started (`tracestate` is kept
///   only with a valid `traceparent`, as W3C requires); the request id is kept if well-formed;
/// - framing is re-stated: `Content-Length` for sized bodies, `Transfer-Encoding: chunked` for
///   chunked ones (the body is re-chunked, extensions and trailers dropped).
enum RequestRewriter {
  /// The trace part of `requestFilter`: continue a valid `traceparent` or start a trace, keep a
  /// well-formed request id or make one. Runs before routing so local answers carry the ids too.
  static func prepareContext(
    head: RequestHead, base: UnsafeRawPointer, runtime: RuntimeConfig, context: inout RequestContext,
    ids: inout IDGenerator
  ) {
    var traceParentValid = false
    for index in 0..<head.fields.count {
      let field = head.fields[index]
      let name = UnsafeRawBufferPointer(start: base + Int(field.nameStart), count: Int(field.nameLength))
      let value = UnsafeRawBufferPointer(start: base + Int(field.valueStart), count: Int(field.valueLength))
      if FieldName.equals(name, "traceparent") {
        if !traceParentValid, let parent = TraceParent.parse(value) {
          traceParentValid = true
          context.traceHigh = parent.traceID.0
          context.traceLow = parent.traceID.1
          context.traceFlags = parent.flags
        }
      } else if runtime.requestIDMatcher.matches(name) {
        if context.clientRequestID == nil, RequestID.isWellFormed(value) {
          context.clientRequestID = Array(value)
        }
      }
    }
    context.traceParentValid = traceParentValid
    if !traceParentValid {
      context.traceHigh = ids.nextNonZero()
      context.traceLow = ids.next()
      context.traceFlags = 0
    }
    context.spanID = ids.nextNonZero()
    if context.clientRequestID == nil {
      context.generatedRequestID = (ids.next(), ids.next())
    }
  }

  struct Input {
    let head: RequestHead
    let base: UnsafeRawPointer
    let peerTrusted: Bool
    let peerText: [UInt8]
    let tunnel: Bool
  }

  /// Returns false when the head does not fit in `out` (the caller answers 431).
  static func write(
    _ input: Input, runtime: RuntimeConfig, context: inout RequestContext, extraHeaders: [(String, String)],
    into out: ByteBuffer
  ) -> Bool {
    let head = input.head
    let base = input.base
    var ok = true
    ok = ok && out.append(UnsafeRawBufferPointer(start: base, count: head.methodLength))
    ok = ok && out.append(byte: 0x20)
    ok = ok && out.append(UnsafeRawBufferPointer(start: base + head.targetStart, count: head.targetLength))
    ok = ok && out.append(" HTTP/1.1\r\n")

    let traceParentValid = context.traceParentValid
    var forwardedProtoIndex = -1
    var forwardedHostIndex = -1
    var hasForwardedFor = false
    for index in 0..<head.fields.count {
      let field = head.fields[index]
      if !field.flags.isDisjoint(with: [.hopByHop, .nominatedByConnection, .contentLength]) { continue }
      let name = UnsafeRawBufferPointer(start: base + Int(field.nameStart), count: Int(field.nameLength))
      if FieldName.equals(name, "x-forwarded-for") {
        hasForwardedFor = hasForwardedFor || input.peerTrusted
        continue
      }
      if FieldName.equals(name, "x-forwarded-proto") {
        if input.peerTrusted && forwardedProtoIndex < 0 { forwardedProtoIndex = index }
        continue
      }
      if FieldName.equals(name, "x-forwarded-host") {
        if input.peerTrusted && forwardedHostIndex < 0 { forwardedHostIndex = index }
        continue
      }
      if FieldName.equals(name, "traceparent") { continue }
      if FieldName.equals(name, "tracestate") && !traceParentValid { continue }
      if runtime.requestIDMatcher.matches(name) { continue }
      if context.stripAuthorization && FieldName.equals(name, "authorization") { continue }
      if runtime.stripMatcher.matches(name) {
        context.strippedHeaders += 1
        continue
      }
      if let cookieName = runtime.sessionCookieToStrip, FieldName.equals(name, "cookie") {
        let value = UnsafeRawBufferPointer(start: base + Int(field.valueStart), count: Int(field.valueLength))
        if let kept = CookieHeader.removing(name: cookieName, from: Array(value)) {
          ok = ok && out.append("cookie: ") && kept.withUnsafeBytes { out.append($0) } && out.append("\r\n")
        }
        continue
      }
      ok = ok && out.append(name)
      ok = ok && out.append(": ")
      ok =
        ok
        && out.append(
          UnsafeRawBufferPointer(start: base + Int(field.valueStart), count: Int(field.valueLength)))
      ok = ok && out.append("\r\n")
    }

    if head.hostIndex < 0 {
      ok = ok && out.append("host: ") && out.append(string: runtime.upstreamHostText) && out.append("\r\n")
    }
    switch head.framing {
    case .contentLength(let length):
      ok = ok && out.append("content-length: ") && out.appendDecimal(Int(length)) && out.append("\r\n")
    case .chunked:
      ok = ok && out.append("transfer-encoding: chunked\r\n")
    case .none, .untilClose:
      break
    }
    if input.tunnel {
      ok = ok && HeadWriter.appendUpgrade(head.fields, base: base, into: out)
    }

    // X-Forwarded-For: the trusted chain (all of its fields, in order), then the peer.
    ok = ok && out.append("x-forwarded-for: ")
    if hasForwardedFor {
      for field in head.fields {
        let name = UnsafeRawBufferPointer(start: base + Int(field.nameStart), count: Int(field.nameLength))
        guard FieldName.equals(name, "x-forwarded-for") else { continue }
        ok =
          ok
          && out.append(
            UnsafeRawBufferPointer(start: base + Int(field.valueStart), count: Int(field.valueLength)))
        ok = ok && out.append(", ")
      }
    }
    ok = ok && input.peerText.withUnsafeBytes { out.append($0) } && out.append("\r\n")
    if forwardedProtoIndex >= 0 {
      let field = head.fields[forwardedProtoIndex]
      ok = ok && out.append("x-forwarded-proto: ")
      ok =
        ok
        && out.append(
          UnsafeRawBufferPointer(start: base + Int(field.valueStart), count: Int(field.valueLength)))
      ok = ok && out.append("\r\n")
    } else {
      ok = ok && out.append("x-forwarded-proto: http\r\n")
    }
    let hostFieldIndex = forwardedHostIndex >= 0 ? forwardedHostIndex : head.hostIndex
    if hostFieldIndex >= 0 {
      let field = head.fields[hostFieldIndex]
      ok = ok && out.append("x-forwarded-host: ")
      ok =
        ok
        && out.append(
          UnsafeRawBufferPointer(start: base + Int(field.valueStart), count: Int(field.valueLength)))
      ok = ok && out.append("\r\n")
    }

    ok = ok && out.append("traceparent: 00-")
    ok = ok && HexFormat.append64(context.traceHigh, to: out) && HexFormat.append64(context.traceLow, to: out)
    ok = ok && out.append(byte: 0x2D) && HexFormat.append64(context.spanID, to: out) && out.append(byte: 0x2D)
    ok = ok && out.append(byte: HexFormat.digit(UInt64(context.traceFlags >> 4)))
    ok = ok && out.append(byte: HexFormat.digit(UInt64(context.traceFlags)))
    ok = ok && out.append("\r\n")
    ok = ok && runtime.requestIDHeaderBytes.withUnsafeBytes { out.append($0) }
    ok = ok && out.append(": ") && context.appendRequestID(to: out) && out.append("\r\n")
    for (name, value) in extraHeaders {
      ok =
        ok && out.append(string: name) && out.append(": ") && out.append(string: value) && out.append("\r\n")
    }
    ok = ok && out.append("\r\n")
    return ok
  }
}

/// Rules for a client-supplied request id worth keeping: 1–200 visible ASCII bytes, no quotes or
/// backslashes (so it can be logged and echoed without escaping).
enum RequestID {
  static func isWellFormed(_ value: UnsafeRawBufferPointer) -> Bool {
    guard value.count >= 1, value.count <= 200 else { return false }
    for byte in value where byte < 0x21 || byte > 0x7E || byte == 0x22 || byte == 0x5C {
      return false
    }
    return true
  }
}
