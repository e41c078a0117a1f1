import Config
import HTTP1

extension AuthRequest {
  /// The request as an authenticator sees it, copied out of the header index into one
  /// allocation (it may wait for an answer longer than the head stays in the read buffer).
  /// Borrowing: an initializer would otherwise take (copy) the whole context and view. The route
  /// is named by its index (a `CompiledRoute` argument was copied out of the route table), the
  /// head and the header index are read by address, and every field is found once, before the
  /// copy is sized and written (the sizing pass used to look each one up again).
  init(_ request: borrowing RequestContext, _ view: borrowing RequestView, route routeIndex: Int) {
    let runtime = request.runtime
    let head = view.headAddress
    let bytes = view.bytes
    let trusted = request.peerTrusted
    let methodOverrideUnsafe = request.methodOverrideUnsafe
    let path = view.path
    let target = view.target
    let sessionCookieName = runtime.sessionCookieName
    var spare = request.takeSpareFields()
    var sessionCookieAlone = false
    let fields = withUnsafePointer(to: request.headers) { indexAddress in
      Self.fields(
        indexAddress, head, bytes, trusted: trusted, path, target, sessionCookieName, &spare,
        &sessionCookieAlone)
    }
    let forwardedFor = withUnsafePointer(to: request.headers) { index in
      trusted
        ? index.pointee.joined(
          .forwardedFor, from: index.pointee.firstForwardedFor, separator: ",", head.pointee, bytes) : nil
    }
    let fingerprint =
      runtime.fingerprintHeaders.isEmpty
      ? [] : runtime.fingerprintHeaders.values(head.pointee, bytes, request.headers)
    // Member by member: the table's element is read in place, not copied whole. Everything is
    // passed to the one initializer: setting a member after it copied the whole value (an
    // outlined copy and destroy per request).
    self.init(
      policy: runtime.routes.routes[routeIndex].auth, routeName: runtime.routes.routes[routeIndex].name,
      method: head.pointee.method, clientIP: runtime.clientIP(peer: view.peer.ip, forwardedFor: forwardedFor),
      onUnauthenticated: runtime.routes.routes[routeIndex].onUnauthenticated, fields: fields,
      methodOverrideUnsafe: methodOverrideUnsafe, fingerprint: fingerprint,
      sessionCookieAlone: sessionCookieAlone)
  }

  /// The copied fields. Several `Cookie` fields are joined first (rare); one is searched where
  /// it lies for the session cookie.
  private static func fields(
    _ index: UnsafePointer<HeaderIndex>, _ head: UnsafePointer<RequestHead>, _ bytes: UnsafeRawBufferPointer,
    trusted: Bool, _ path: UnsafeRawBufferPointer, _ target: UnsafeRawBufferPointer,
    _ sessionCookieName: String?, _ spare: inout [UInt8], _ sessionCookieAlone: inout Bool
  ) -> CopiedFields {
    let firstCookie = index.pointee.firstCookie
    var cookieFields = 0
    if firstCookie >= 0 {
      for position in firstCookie..<index.pointee.count where index.pointee.role(at: position) == .cookie {
        cookieFields += 1
      }
    }
    if cookieFields > 1 {
      return index.pointee.joined(.cookie, from: firstCookie, separator: "; ", head.pointee, bytes)!
        .withUnsafeBytes {
          copy(
            index, head, bytes, cookies: $0, trusted: trusted, path, target, sessionCookieName, &spare,
            &sessionCookieAlone)
        }
    }
    return copy(
      index, head, bytes, cookies: index.pointee.value(firstCookie, head.pointee, bytes), trusted: trusted,
      path, target, sessionCookieName, &spare, &sessionCookieAlone)
  }

  private static func copy(
    _ index: UnsafePointer<HeaderIndex>, _ head: UnsafePointer<RequestHead>, _ bytes: UnsafeRawBufferPointer,
    cookies: UnsafeRawBufferPointer?, trusted: Bool, _ path: UnsafeRawBufferPointer,
    _ target: UnsafeRawBufferPointer, _ sessionCookieName: String?, _ spare: inout [UInt8],
    _ sessionCookieAlone: inout Bool
  ) -> CopiedFields {
    var sessionCookie: UnsafeRawBufferPointer?
    if let cookies, let name = sessionCookieName {
      var name = name
      name.withUTF8 { name in
        // Noting whether the pair is the fields' only one: the upstream request then leaves
        // `Cookie` out without scanning it again (`UpstreamRequestPhase`).
        let noted = CookieHeader.lookupNoting(name: name, in: cookies.assumingMemoryBound(to: UInt8.self))
        if case .found(let range) = noted.result {
          sessionCookie = UnsafeRawBufferPointer(rebasing: cookies[range])
          sessionCookieAlone = noted.alone
        }
      }
    }
    // Each field found once; the writer runs twice (size, then copy) over these.
    func value(_ position: Int) -> UnsafeRawBufferPointer? {
      index.pointee.value(position, head.pointee, bytes)
    }
    let authorization = index.pointee.authorizationCount == 1 ? value(index.pointee.authorization) : nil
    let userAgent = value(index.pointee.userAgent)
    let host = value(index.pointee.host)
    let origin = value(index.pointee.origin)
    let secFetchSite = value(index.pointee.secFetchSite)
    let contentType = value(index.pointee.contentType)
    let csrfToken = value(index.pointee.csrfToken)
    let forwardedProto = trusted ? value(index.pointee.forwardedProto) : nil
    let firstAccept = index.pointee.firstAccept
    return CopiedFields(reusing: &spare) { writer in
      writer.set(.authorization, authorization)
      writer.set(.cookies, cookies)
      writer.set(.userAgent, userAgent)
      writer.set(.host, host)
      writer.set(.origin, origin)
      writer.set(.secFetchSite, secFetchSite)
      writer.set(.contentType, contentType)
      if firstAccept >= 0 {
        writer.begin(.accept)
        var first = true
        for position in firstAccept..<index.pointee.count where index.pointee.role(at: position) == .accept {
          if !first { writer.append(",") }
          first = false
          writer.append(head.pointee.fields[position].value(in: bytes))
        }
      }
      writer.set(.path, path)
      writer.set(.target, target)
      writer.set(.sessionCookie, sessionCookie)
      writer.set(.csrfToken, csrfToken)
      writer.set(.forwardedProto, forwardedProto)
    }
  }
}
