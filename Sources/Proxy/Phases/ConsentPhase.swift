import Config
import HTTP1

/// Request phase (after `bodyLimit`, before `route`): cookie consent on the way in
/// (docs/cookies.md). Reads the consent cookie into `request.consent`; answers the reserved
/// endpoint (`<reserved_prefix>consent`, `ConsentEndpoint`) itself, so those paths never reach
/// the app; removes the cookies of unconsented categories from the app's `Cookie` header
/// (`request.upstreamCookies`) and remembers which the browser presented, so the response phase
/// can delete one the app sets again. `X-Cookie-Consent` is written by `UpstreamRequestPhase`
/// (a client's copy is on the strip list). Without `[cookie_policy]` the phase does nothing.
/// Immutable.
struct ConsentPhase: RequestPhase {
  unowned(unsafe) let worker: Worker

  func run(_ request: inout RequestContext, _ view: RequestView) -> PhaseResult {
    guard let policy = request.runtime.cookiePolicy else { return .proceed }
    let now = request.startWallNanos / 1_000_000_000
    let index = request.headers
    // Exactly one copy of the consent cookie counts; two (in one field or in several) are as
    // ambiguous as a forged one and read as no consent.
    var copies = 0
    var found: (position: Int, range: Range<Int>)?
    var cookieFields = 0
    if index.firstCookie >= 0 {
      for position in index.firstCookie..<index.count where index.role(at: position) == .cookie {
        cookieFields += 1
        let field = view.head.fields[position].value(in: view.bytes).assumingMemoryBound(to: UInt8.self)
        let lookup = policy.consentCookieName.withUnsafeBufferPointer {
          CookieHeader.lookup(name: $0, in: field)
        }
        switch lookup {
        case .absent: continue
        case .ambiguous: copies += 2
        case .found(let range):
          copies += 1
          found = (position, range)
        }
      }
    }
    var record: ConsentRecord?
    if copies == 1, let found {
      let field = view.head.fields[found.position].value(in: view.bytes).assumingMemoryBound(to: UInt8.self)
      record = ConsentRecord.decode(
        UnsafeBufferPointer(rebasing: field[found.range]), version: policy.settings.consentVersion, now: now)
    }
    request.consent = record?.categories ?? .essential

    if policy.isReserved(view.path) {
      return ConsentEndpoint(policy: policy).answer(&request, view, record: record, now: now)
    }
    guard cookieFields > 0, !request.consent.isSuperset(of: policy.ruledCategories) else { return .proceed }
    request.upstreamCookies.filter(with: ConsentCookieFilter(policy: policy, consent: request.consent))
    for position in index.firstCookie..<index.count where index.role(at: position) == .cookie {
      let field = view.head.fields[position].value(in: view.bytes).assumingMemoryBound(to: UInt8.self)
      CookieHeader.forEachName(in: field) { range in
        let name = UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: field[range]))
        guard let category = policy.category(of: name), !request.consent.contains(CookieCategories(category))
        else { return }
        request.withheldCookies.append(String(decoding: name, as: UTF8.self))
        worker.metrics.cookieActed(.strippedRequest, category: category)
      }
    }
    return .proceed
  }
}
