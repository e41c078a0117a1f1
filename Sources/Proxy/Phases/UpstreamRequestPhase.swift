import Codecs
import EventLoop
import HTTP1

/// Request phase 10, after the upstream peer (Pingora's `upstreamRequestFilter`): writes the head
/// the app receives into the lent connection's buffer, field by field as `StripPhase` classified
/// them:
///
/// - hop-by-hop fields (`Connection` and the fields it names, `Keep-Alive`, `TE`, `Trailer`,
///   `Transfer-Encoding`, `Upgrade`, `Proxy-Connection`) are dropped; `Connection`/`Upgrade` are
///   re-added only for a tunnel request;
/// - stripped fields (and the client's CSRF header) are dropped and counted;
/// - `X-Forwarded-For`/`-Proto`/`-Host` are replaced; client-sent values survive only when the
///   peer is a trusted proxy (then the peer is appended to its `X-Forwarded-For`);
/// - `traceparent` carries the trace phase's ids (`tracestate` is kept only with a valid
///   `traceparent`, as W3C requires); the request id is the trace phase's;
/// - `Authorization` is dropped when the JWT grant says so; the session cookie is removed from
///   `Cookie` unless `forward_cookie`, and the request phases' `UpstreamCookieEdit` is applied
///   (several `Cookie` fields then become one);
/// - framing is re-stated: `Content-Length` for sized bodies, `Transfer-Encoding: chunked` for
///   chunked ones (the body is re-chunked, extensions and trailers dropped);
/// - the grant's identity headers come last, then `X-Cookie-Consent` with `[cookie_policy]`.
///
/// A head that does not fit the buffer is answered 431. Immutable.
struct UpstreamRequestPhase: RequestPhase {
  func run(_ request: inout RequestContext, _ view: RequestView) -> PhaseResult {
    guard let out = view.upstreamOutReference else {
      preconditionFailure("upstreamRequest runs after the upstream peer")
    }
    // Lent without a retain: the driver holds the connection that owns the buffer for the call.
    let written = out._withUnsafeGuaranteedRef { write(request, view, into: $0) }
    guard written else {
      return .answer(ProxyError(.headersTooLarge, .internal, "rewritten head too large"))
    }
    request.strippedHeaders = request.headers.strippedCount
    return .proceed
  }

  /// The head, the header index and the runtime are read where they are (`view.head`,
  /// `request.headers`, `request.runtime`): a local copy of each retained and released what it
  /// holds (docs/performance.md, "The shared pipeline, round 7").
  private func write(_ request: RequestContext, _ view: RequestView, into out: ByteBuffer) -> Bool {
    let bytes = view.bytes
    var ok = out.append(view.methodName) && out.append(byte: 0x20)
    ok = ok && out.append(view.target) && out.append(" HTTP/1.1\r\n")
    // The client's X-Forwarded-* fields that were sent end to end (not named by `Connection`).
    var hasForwardedFor = false
    var forwardedProto = -1
    var forwardedHost = -1
    var cookieWritten = false
    for position in 0..<view.head.fields.count {
      let field = view.head.fields[position]
      if !field.flags.isDisjoint(with: [.hopByHop, .nominatedByConnection, .contentLength]) { continue }
      switch request.headers.role(at: position) {
      case .forwardedFor:
        hasForwardedFor = true
        continue
      case .forwardedProto:
        if forwardedProto < 0 { forwardedProto = position }
        continue
      case .forwardedHost:
        if forwardedHost < 0 { forwardedHost = position }
        continue
      case .traceparent, .requestID, .stripped, .csrfToken, .methodOverrideStripped:
        continue
      case .tracestate where !request.traceParentValid:
        continue
      case .authorization where request.stripAuthorization:
        continue
      case .cookie:
        guard !request.runtime.cookiesToStrip.isEmpty || !request.upstreamCookies.isEmpty else { break }
        // One rewritten field, where the client's first was; the others are folded into it.
        // When the session cookie, which is stripped, was the fields' only pair and no phase
        // edited them, nothing is left: no field, without scanning the fields again.
        if !cookieWritten {
          cookieWritten = true
          let nothingKept =
            request.sessionCookieAlone && !request.runtime.cookiesToStrip.isEmpty
            && request.upstreamCookies.isEmpty
          if !nothingKept { ok = ok && appendRewrittenCookie(request, view, into: out) }
        }
        continue
      default:
        break
      }
      ok = ok && out.append(field.name(in: bytes)) && out.append(": ")
      ok = ok && out.append(field.value(in: bytes)) && out.append("\r\n")
    }

    if !cookieWritten && !request.upstreamCookies.isEmpty {
      ok = ok && appendRewrittenCookie(request, view, into: out)
    }
    if view.head.hostIndex < 0 {
      ok =
        ok && out.append("host: ") && out.append(string: request.runtime.upstreamHostText)
        && out.append("\r\n")
    }
    switch view.head.framing {
    case .contentLength(let length):
      ok = ok && out.append("content-length: ") && out.appendDecimal(Int(length)) && out.append("\r\n")
    case .chunked:
      ok = ok && out.append("transfer-encoding: chunked\r\n")
    case .none, .untilClose:
      break
    }
    if view.head.upgrade {
      ok = ok && HeadWriter.appendUpgrade(view.head.fields, bytes, into: out)
    }

    // X-Forwarded-For: the trusted chain (all of its fields, in order), then the peer.
    let trusted = request.peerTrusted
    ok = ok && out.append("x-forwarded-for: ")
    if trusted && hasForwardedFor {
      for position in request.headers.firstForwardedFor..<request.headers.count
      where request.headers.role(at: position) == .forwardedFor {
        ok = ok && out.append(view.head.fields[position].value(in: bytes)) && out.append(", ")
      }
    }
    ok = ok && request.peerText.withUnsafeBytes { out.append($0) } && out.append("\r\n")
    if trusted, forwardedProto >= 0 {
      let proto = view.head.fields[forwardedProto].value(in: bytes)
      ok = ok && out.append("x-forwarded-proto: ") && out.append(proto) && out.append("\r\n")
    } else {
      ok = ok && out.append("x-forwarded-proto: http\r\n")
    }
    let hostField = trusted && forwardedHost >= 0 ? forwardedHost : view.head.hostIndex
    if hostField >= 0 {
      let host = view.head.fields[hostField].value(in: bytes)
      ok = ok && out.append("x-forwarded-host: ") && out.append(host) && out.append("\r\n")
    }

    ok = ok && out.append("traceparent: 00-")
    ok = ok && out.appendHex64(request.traceHigh) && out.appendHex64(request.traceLow)
    ok = ok && out.append(byte: 0x2D) && out.appendHex64(request.spanID) && out.append(byte: 0x2D)
    ok = ok && out.append(byte: Hex.digit(UInt8(truncatingIfNeeded: request.traceFlags >> 4)))
    ok = ok && out.append(byte: Hex.digit(UInt8(truncatingIfNeeded: request.traceFlags)))
    ok = ok && out.append("\r\n")
    ok = ok && request.runtime.requestIDHeaderBytes.withUnsafeBytes { out.append($0) }
    ok = ok && out.append(": ") && request.appendRequestID(to: out) && out.append("\r\n")
    for (name, value) in request.identityHeaders {
      ok =
        ok && out.append(string: name) && out.append(": ") && out.append(string: value) && out.append("\r\n")
    }
    if let lines = request.identityLines {
      ok = ok && lines.write(into: out)
    }
    if let line = request.assertionLine {
      ok = ok && line.withUnsafeBytes { out.append($0) }
    }
    if let policy = request.runtime.cookiePolicy {
      ok = ok && out.append("x-cookie-consent: ")
      ok =
        ok && out.append(string: policy.consentHeaderValues[Int(request.consent.rawValue)])
        && out.append("\r\n")
    }
    return ok && out.append("\r\n")
  }

  /// The `Cookie` field the app receives when cookies are stripped or edited: every client
  /// `Cookie` field folded into one, `UpstreamCookieEdit` applied; nothing when no pair remains.
  /// The kept pairs go from the read buffer into `out` without a copy: the field's name is written
  /// before the first one.
  private func appendRewrittenCookie(_ request: RequestContext, _ view: RequestView, into out: ByteBuffer)
    -> Bool
  {
    let fixed = request.runtime.cookiesToStrip
    let bytes = view.bytes
    // The writer's state lives on the stack and `piece` captures only its address: captured
    // `var`s were boxed (two allocations per request).
    var state = (started: false, ok: true)
    return withUnsafeMutablePointer(to: &state) { state in
      func piece(_ bytes: UnsafeRawBufferPointer) {
        if !state.pointee.started {
          state.pointee.started = true
          state.pointee.ok = state.pointee.ok && out.append("cookie: ")
        }
        state.pointee.ok = state.pointee.ok && out.append(bytes)
      }
      let firstCookie = request.headers.firstCookie
      if firstCookie >= 0 {
        for position in firstCookie..<request.headers.count
        where request.headers.role(at: position) == .cookie {
          let field = view.head.fields[position]
          if !field.flags.isDisjoint(with: [.hopByHop, .nominatedByConnection]) { continue }
          request.upstreamCookies.write(
            field.value(in: bytes), alsoRemoving: fixed, separated: state.pointee.started, piece)
        }
      }
      request.upstreamCookies.writeAdded(separated: state.pointee.started, piece)
      return state.pointee.started ? state.pointee.ok && out.append("\r\n") : true
    }
  }
}
