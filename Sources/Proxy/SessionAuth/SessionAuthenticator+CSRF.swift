import Codecs
import Crypto
import EventLoop
import HTTP1
import Sessions

/// The CSRF check of an unsafe request on a session route (docs/security.md, "Methods and CSRF").
extension SessionAuthenticator {
  /// Nil when the request may proceed; otherwise the reason it is refused. Only unsafe requests
  /// are checked: an unsafe method on the request line, or a safe one whose method override
  /// names an unsafe method (docs/security.md, "Methods and CSRF").
  func csrfRefusal(_ request: AuthRequest, record: SessionRecord) -> String? {
    guard service.policy.csrf, !request.method.isSafe || request.methodOverrideUnsafe else { return nil }
    if let host = request.host {
      let schemes =
        request.forwardedProto.map { [String(decoding: $0, as: UTF8.self).lowercased()] } ?? [
          "https", "http",
        ]
      var crossSite: CSRFPolicy.CrossSite = .foreignOrigin
      for scheme in schemes {
        crossSite = CSRFPolicy.crossSiteCheck(
          secFetchSite: request.secFetchSite, origin: request.origin, scheme: scheme, host: host)
        if crossSite == .allowed { break }
      }
      if crossSite == .crossSiteFetch { return "cross_site_fetch" }
      if crossSite == .foreignOrigin { return "foreign_origin" }
    }
    if let token = request.csrfToken {
      return CSRFToken.verify(token: token, secret: record.csrfSecret, generation: record.generation)
        ? nil : "bad_token"
    }
    if let body = request.formBody {
      switch CSRFPolicy.formField(
        named: service.settings.csrfFormField, in: body, limit: service.settings.csrfMaxFormBytes)
      {
      case .found(let token):
        return CSRFToken.verify(token: token, secret: record.csrfSecret, generation: record.generation)
          ? nil : "bad_token"
      case .absent: return "missing_token"
      case .tooLarge: return "form_too_large"
      case .malformed: return "malformed_form"
      }
    }
    return "missing_token"
  }
}
