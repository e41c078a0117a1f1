import EventLoop
import HTTP1

/// Response phase 5 (Pingora's `responseFilter`): writes the head the client receives.
/// Hop-by-hop fields go, framing is re-stated for the client, Gatehouse's control headers
/// (`Gatehouse-*`, the lifecycle headers) never reach the client, the request id is echoed, and
/// the headers earlier phases queued (`request.responseHeaders`: a rotated or new session cookie,
/// a deletion cookie; `addedCacheControl`) are added, and the fields the owned-cookie phase
/// dropped (`droppedResponseFields`) are left out. Interim heads (1xx) are relayed the same way.
/// A final head that does not fit the client buffer is a 502. Immutable.
struct ResponseRewritePhase: ResponsePhase {
  func run(_ request: inout RequestContext, _ view: ResponseView) -> PhaseResult {
    switch view.kind {
    case .interim:
      // RFC 9110 §15.2: never a 1xx to an HTTP/1.0 client (docs/security.md, "Request head").
      if request.clientHTTP10 { return .proceed }
      _ = write(
        view, framing: .none, close: false, tunnel: false, keepSizeField: false, request, extraHeaders: [])
      return .proceed
    case .switchingProtocols:
      _ = write(
        view, framing: .none, close: false, tunnel: true, keepSizeField: false, request, extraHeaders: [])
      request.status = 101
      request.upstreamHeadNanos = view.now
      return .proceed
    case .final:
      request.upstreamHeadNanos = view.now
      request.status = view.head.status
      let start = view.clientOutReference._withUnsafeGuaranteedRef { $0.writerIndex }
      guard
        write(
          view, framing: view.framing, close: view.close, tunnel: false, keepSizeField: view.keepSizeField,
          request, extraHeaders: request.responseHeaders)
      else {
        // Take back the part that fit: the client gets the 502 alone, not a torn head before it.
        view.clientOutReference._withUnsafeGuaranteedRef { $0.writerIndex = start }
        return .answer(ProxyError(.upstreamProtocol, .upstream, "response head too large"))
      }
      return .proceed
    }
  }

  private func write(
    _ view: ResponseView, framing: ClientBodyFraming, close: Bool, tunnel: Bool, keepSizeField: Bool,
    _ request: RequestContext, extraHeaders: [(String, String)]
  ) -> Bool {
    // The head, the runtime and the buffer are read where they are: a local copy of the head
    // retained and released its field list (docs/performance.md, "The shared pipeline, round 7").
    let bytes = view.bytes
    return view.clientOutReference._withUnsafeGuaranteedRef { out in
      var ok = out.append("HTTP/1.1 ")
      ok = ok && out.appendDecimal(view.head.status) && out.append(byte: 0x20)
      if view.head.reasonLength > 0 {
        ok =
          ok
          && out.append(
            UnsafeRawBufferPointer(
              rebasing: bytes[view.head.reasonStart..<view.head.reasonStart + view.head.reasonLength]))
      }
      ok = ok && out.append("\r\n")
      for position in 0..<view.head.fields.count {
        let field = view.head.fields[position]
        if !field.flags.isDisjoint(with: [.hopByHop, .nominatedByConnection]) { continue }
        if !request.droppedResponseFields.isEmpty && request.droppedResponseFields.contains(position) {
          continue
        }
        if field.flags.contains(.contentLength) && !keepSizeField { continue }
        let name = field.name(in: bytes)
        // The matchers read through a guaranteed runtime: through `request.runtime` each one
        // that got past its inlined length and first-byte tests was copied (its arrays retained).
        let skipped = Unmanaged.passUnretained(request.runtime)._withUnsafeGuaranteedRef {
          $0.controlHeaderMatcher.matches(name) || $0.requestIDMatcher.matches(name)
        }
        if skipped { continue }
        ok =
          ok && out.append(name) && out.append(": ") && out.append(field.value(in: bytes))
          && out.append("\r\n")
      }
      switch framing {
      case .contentLength(let length):
        ok = ok && out.append("content-length: ") && out.appendDecimal(Int(length)) && out.append("\r\n")
      case .chunked:
        ok = ok && out.append("transfer-encoding: chunked\r\n")
      case .none, .untilClose:
        break
      }
      if view.head.status >= 200 {
        ok = ok && request.runtime.requestIDHeaderBytes.withUnsafeBytes { out.append($0) }
        ok = ok && out.append(": ") && request.appendRequestID(to: out) && out.append("\r\n")
      }
      if tunnel {
        ok = ok && HeadWriter.appendUpgrade(view.head.fields, bytes, into: out)
      } else if close && view.head.status >= 200 {
        ok = ok && out.append("connection: close\r\n")
      }
      for (name, value) in extraHeaders {
        ok =
          ok && out.append(string: name) && out.append(": ") && out.append(string: value)
          && out.append("\r\n")
      }
      if view.head.status >= 200, let cacheControl = request.addedCacheControl {
        ok = ok && out.append("cache-control: ") && out.append(string: cacheControl) && out.append("\r\n")
      }
      return ok && out.append("\r\n")
    }
  }
}
