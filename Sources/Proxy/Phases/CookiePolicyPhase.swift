import Config
import HTTP1

/// Response phase (after `ownedCookies`, before `cacheControl`): the cookie policy on the way
/// out (docs/cookies.md). First the app's `Gatehouse-Consent` header, if any, records a consent:
/// the consent cookie is set and the new consent applies to this response already (the header
/// itself, a control header, never reaches the client). Then every `Set-Cookie` the earlier
/// phases left is parsed strictly (`SetCookieParser`): one it cannot parse is dropped with an
/// `unparsable_set_cookie` security event; one of an unconsented category is dropped (with a
/// deletion cookie when the browser presented it); one no rule names is kept or dropped by
/// `on_unknown`; the rest are rewritten to their rule and the environment (`CookiePolicy`) and
/// re-serialised, or left as written when nothing changed. Drops go to
/// `request.droppedResponseFields`, new lines to `request.responseHeaders`; every action counts
/// in `gatehouse_cookies_rewritten_total`. Without `[cookie_policy]` the phase does nothing.
/// Immutable.
struct CookiePolicyPhase: ResponsePhase {
  unowned(unsafe) let worker: Worker

  func run(_ request: inout RequestContext, _ view: ResponseView) -> PhaseResult {
    guard view.kind == .final, let policy = request.runtime.cookiePolicy else { return .proceed }
    let fields = view.head.fields
    let now = request.startWallNanos / 1_000_000_000
    for position in 0..<fields.count {
      let name = fields[position].name(in: view.bytes)
      guard name.count == 17, FieldName.equals(name, "gatehouse-consent") else { continue }
      let text = String(decoding: fields[position].value(in: view.bytes), as: UTF8.self)
      guard let categories = CookieCategories.parseList(Substring(text)) else {
        return .answer(ProxyError(.upstreamProtocol, .upstream, "invalid Gatehouse-Consent header"))
      }
      let record = ConsentRecord(version: policy.settings.consentVersion, time: now, categories: categories)
      if let cookie = policy.consentSetCookie(record) {
        request.responseHeaders.append(("set-cookie", cookie))
      }
      request.consent = record.categories
    }
    for position in 0..<fields.count {
      let name = fields[position].name(in: view.bytes)
      guard name.count == 10, FieldName.equals(name, "set-cookie"),
        !request.droppedResponseFields.contains(position)
      else { continue }
      rewrite(position, Array(fields[position].value(in: view.bytes)), policy, now: now, &request)
    }
    return .proceed
  }

  private func rewrite(
    _ position: Int, _ value: [UInt8], _ policy: CookiePolicy, now: Int64, _ request: inout RequestContext
  ) {
    let cookie: ParsedSetCookie
    do {
      cookie = try SetCookieParser.parse(value[...])
    } catch {
      dropUnparsable(position, error, &request)
      return
    }
    switch policy.decide(cookie, consent: request.consent, now: now) {
    case .keep:
      return
    case .rewrite(let category, let rewritten):
      do {
        let line = try rewritten.fieldValue()
        request.droppedResponseFields.append(position)
        request.responseHeaders.append(("set-cookie", line))
        worker.metrics.cookieActed(.rewritten, category: category)
      } catch {
        dropUnparsable(position, error, &request)
      }
    case .drop(let category, .unknown):
      request.droppedResponseFields.append(position)
      worker.metrics.cookieActed(.droppedUnknown, category: category)
    case .drop(let category, .noConsent(let wouldBe)):
      request.droppedResponseFields.append(position)
      worker.metrics.cookieActed(.droppedNoConsent, category: category)
      // The browser still holds an earlier copy (set before consent was withdrawn): delete it
      // with the path and domain the policy would have given it.
      if request.withheldCookies.contains(cookie.name),
        let deletion = try? SetCookie.deletion(
          name: cookie.name, path: wouldBe.path ?? "/", domain: wouldBe.domain ?? "", secure: wouldBe.secure,
          httpOnly: wouldBe.httpOnly, sameSite: wouldBe.sameSite)
      {
        request.responseHeaders.append(("set-cookie", deletion))
      }
    }
  }

  private func dropUnparsable(_ position: Int, _ error: CookieError, _ request: inout RequestContext) {
    request.droppedResponseFields.append(position)
    worker.metrics.cookieActed(.droppedUnparsable, category: nil)
    worker.logSecurityEvent("unparsable_set_cookie", request: request, reason: error.part.rawValue)
  }
}
