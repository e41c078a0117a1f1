import Config
import HTTP1

extension AuthRequest {
  /// The request as an authenticator sees it, copied out of the header index (it may wait for
  /// an answer longer than the head stays in the read buffer).
  /// Borrowing: an initializer would otherwise take (copy) the whole context, view and route.
  init(_ request: borrowing RequestContext, _ view: borrowing RequestView, route: borrowing CompiledRoute) {
    let runtime = request.runtime
    let index = request.headers
    let head = view.head
    let bytes = view.bytes
    let cookies = index.joined(.cookie, from: index.firstCookie, separator: "; ", head, bytes)
    var sessionCookie: [UInt8]?
    if let name = runtime.sessionCookieName, let cookies {
      sessionCookie = CookieHeader.value(named: name, in: cookies)
    }
    let forwardedFor =
      request.peerTrusted
      ? index.joined(.forwardedFor, from: index.firstForwardedFor, separator: ",", head, bytes) : nil
    self.init(
      policy: route.auth, routeName: route.name, method: head.method,
      authorization: index.authorizationCount == 1 ? index.copy(index.authorization, head, bytes) : nil,
      cookies: cookies, clientIP: runtime.clientIP(peer: view.peer.ip, forwardedFor: forwardedFor),
      userAgent: index.copy(index.userAgent, head, bytes), host: index.copy(index.host, head, bytes),
      origin: index.copy(index.origin, head, bytes),
      secFetchSite: index.copy(index.secFetchSite, head, bytes),
      contentType: index.copy(index.contentType, head, bytes),
      accept: index.joined(.accept, from: index.firstAccept, separator: ",", head, bytes),
      path: String(decoding: view.path, as: UTF8.self), target: String(decoding: view.target, as: UTF8.self),
      sessionCookie: sessionCookie, csrfToken: index.copy(index.csrfToken, head, bytes), formBody: nil,
      forwardedProto: request.peerTrusted ? index.copy(index.forwardedProto, head, bytes) : nil,
      onUnauthenticated: route.onUnauthenticated, methodOverrideUnsafe: request.methodOverrideUnsafe)
    if !runtime.fingerprintHeaders.isEmpty {
      fingerprint = runtime.fingerprintHeaders.values(head, bytes, index)
    }
  }
}
