import Config
import HTTP1

extension AuthRequest {
  /// The request as an authenticator sees it, copied out of the header index into one
  /// allocation (it may wait for an answer longer than the head stays in the read buffer).
  /// Borrowing: an initializer would otherwise take (copy) the whole context, view and route.
  init(_ request: borrowing RequestContext, _ view: borrowing RequestView, route: borrowing CompiledRoute) {
    let runtime = request.runtime
    let index = request.headers
    // By address: the closures below would each copy a captured head.
    let head = view.headAddress
    let bytes = view.bytes
    var cookieFields = 0
    if index.firstCookie >= 0 {
      for position in index.firstCookie..<index.count where index.role(at: position) == .cookie {
        cookieFields += 1
      }
    }
    let forwardedFor =
      request.peerTrusted
      ? index.joined(.forwardedFor, from: index.firstForwardedFor, separator: ",", head.pointee, bytes) : nil
    let trusted = request.peerTrusted
    let path = view.path
    let target = view.target
    let sessionCookieName = runtime.sessionCookieName
    func copy(cookies: UnsafeRawBufferPointer?) -> CopiedFields {
      // Found once, before the fields are sized and copied.
      var sessionCookie: UnsafeRawBufferPointer?
      if let cookies, var name = sessionCookieName {
        name.withUTF8 { name in
          if case .found(let range) = CookieHeader.lookup(
            name: name, in: cookies.assumingMemoryBound(to: UInt8.self))
          {
            sessionCookie = UnsafeRawBufferPointer(rebasing: cookies[range])
          }
        }
      }
      return CopiedFields { writer in
        if index.authorizationCount == 1 {
          writer.set(.authorization, index.value(index.authorization, head.pointee, bytes))
        }
        writer.set(.cookies, cookies)
        writer.set(.userAgent, index.value(index.userAgent, head.pointee, bytes))
        writer.set(.host, index.value(index.host, head.pointee, bytes))
        writer.set(.origin, index.value(index.origin, head.pointee, bytes))
        writer.set(.secFetchSite, index.value(index.secFetchSite, head.pointee, bytes))
        writer.set(.contentType, index.value(index.contentType, head.pointee, bytes))
        if index.firstAccept >= 0 {
          writer.begin(.accept)
          var first = true
          for position in index.firstAccept..<index.count where index.role(at: position) == .accept {
            if !first { writer.append(",") }
            first = false
            writer.append(head.pointee.fields[position].value(in: bytes))
          }
        }
        writer.set(.path, path)
        writer.set(.target, target)
        writer.set(.sessionCookie, sessionCookie)
        writer.set(.csrfToken, index.value(index.csrfToken, head.pointee, bytes))
        if trusted { writer.set(.forwardedProto, index.value(index.forwardedProto, head.pointee, bytes)) }
      }
    }
    // Several `Cookie` fields are joined first (rare); one is searched where it lies.
    let fields =
      cookieFields > 1
      ? index.joined(.cookie, from: index.firstCookie, separator: "; ", head.pointee, bytes)!.withUnsafeBytes
      {
        copy(cookies: $0)
      }
      : copy(cookies: index.value(index.firstCookie, head.pointee, bytes))
    self.init(
      policy: route.auth, routeName: route.name, method: head.pointee.method,
      clientIP: runtime.clientIP(peer: view.peer.ip, forwardedFor: forwardedFor),
      onUnauthenticated: route.onUnauthenticated, fields: fields,
      methodOverrideUnsafe: request.methodOverrideUnsafe)
    if !runtime.fingerprintHeaders.isEmpty {
      fingerprint = runtime.fingerprintHeaders.values(head.pointee, bytes, index)
    }
  }
}
