import EventLoop
import HTTP1

/// The phases every request goes through, in one fixed order (Pingora's phases), with one
/// `RequestContext` carried through all of them:
///
///     request filter   strip ─► trace ─► refusedMethod ─► methodOverride ─► bodyLimit ─► consent
///                        ─► publicJWKS ─► route ─► authenticate ─► require ─► loginDetect ─► vaultRequest ─► assertion
///                        │ any phase may answer itself (401, 413, …); authenticate may wait
///                        ▼ for an answer (key fetch, store reply) or for a form body, and
///                          loginDetect for a login form
///     upstream peer    the exchange asks its driver for a pooled or fresh connection
///                        ▼
///     upstream request upstreamRequest (the head the app receives)
///
///     response filter  vaultCapture ─► lifecycle ─► ownedCookies ─► cookiePolicy ─► cacheControl
///                        ─► responseRewrite   (lifecycle may wait for the store)
///
///     logging          once per request, however it ended (`finish`)
///
/// The order is `PhaseID`'s; the one `switch` per list below calls each phase directly (no
/// existentials on the hot path). Adding a phase: write a type conforming to `RequestPhase` or
/// `ResponsePhase` in `Phases/`, give it a case in `PhaseID` at its place, a property here and an
/// arm in the switch — nothing in the exchange changes (see docs/pipeline.md). One per worker;
/// the phases are immutable after construction. Loop-thread only.
final class Pipeline {
  unowned(unsafe) let worker: Worker
  let metrics: WorkerMetrics
  /// The worker's clock (its loop's): request start times for the log.
  let clock: any Clock
  /// The configuration new requests start with; `Worker.apply` swaps it on reload.
  var runtime: RuntimeConfig

  let strip = StripPhase()
  let trace = TracePhase()
  let refusedMethod: RefusedMethodPhase
  let methodOverride = MethodOverridePhase()
  let bodyLimit = BodyLimitPhase()
  let consent: ConsentPhase
  let route: RoutePhase
  let authenticate: AuthenticatePhase
  let publicJWKS: PublicJWKSPhase
  let require: RequirePhase
  let loginDetect = LoginDetectPhase()
  let vaultRequest: VaultRequestPhase
  let assertion: AssertionPhase
  let upstreamRequest = UpstreamRequestPhase()
  let vaultCapture: VaultCapturePhase
  let lifecycle: LifecyclePhase
  let ownedCookies: OwnedCookiePhase
  let cookiePolicy: CookiePolicyPhase
  let cacheControl = CacheControlPhase()
  let responseRewrite = ResponseRewritePhase()
  let logging: LoggingPhase

  init(worker: Worker) {
    self.worker = worker
    metrics = worker.metrics
    clock = worker.loop.clock
    runtime = worker.runtime
    refusedMethod = RefusedMethodPhase(worker: worker)
    consent = ConsentPhase(worker: worker)
    route = RoutePhase(worker: worker)
    authenticate = AuthenticatePhase(worker: worker)
    publicJWKS = PublicJWKSPhase(worker: worker)
    require = RequirePhase(worker: worker)
    vaultRequest = VaultRequestPhase(worker: worker)
    vaultCapture = VaultCapturePhase(worker: worker)
    assertion = AssertionPhase(worker: worker)
    lifecycle = LifecyclePhase(worker: worker)
    ownedCookies = OwnedCookiePhase(worker: worker)
    cookiePolicy = CookiePolicyPhase(worker: worker)
    logging = LoggingPhase(worker: worker)
  }

  static let firstRequestPhase = PhaseID.strip
  /// The first phase that needs the upstream connection: the exchange lends one before it runs.
  static let firstUpstreamPhase = PhaseID.upstreamRequest
  static let lastRequestPhase = PhaseID.upstreamRequest
  static let firstResponsePhase = PhaseID.vaultCapture
  static let lastResponsePhase = PhaseID.responseRewrite

  /// Runs the request phases from `first` until one answers or waits, or until the upstream
  /// peer is needed (`view.hasUpstream` is false) or every phase has run.
  func runRequestPhases(from first: PhaseID, _ request: inout RequestContext, _ view: RequestView)
    -> PhasesOutcome
  {
    var phase = first
    while true {
      if phase == Pipeline.firstUpstreamPhase && !view.hasUpstream { return .needsUpstream }
      let result: PhaseResult
      switch phase {
      case .strip: result = strip.run(&request, view)
      case .trace: result = trace.run(&request, view)
      case .refusedMethod: result = refusedMethod.run(&request, view)
      case .methodOverride: result = methodOverride.run(&request, view)
      case .bodyLimit: result = bodyLimit.run(&request, view)
      case .consent: result = consent.run(&request, view)
      case .publicJWKS: result = publicJWKS.run(&request, view)
      case .route: result = route.run(&request, view)
      case .authenticate: result = authenticate.run(&request, view)
      case .require: result = require.run(&request, view)
      case .loginDetect: result = loginDetect.run(&request, view)
      case .vaultRequest: result = vaultRequest.run(&request, view)
      case .assertion: result = assertion.run(&request, view)
      case .upstreamRequest: result = upstreamRequest.run(&request, view)
      case .vaultCapture, .lifecycle, .ownedCookies, .cookiePolicy, .cacheControl, .responseRewrite:
        preconditionFailure("\(phase) is a response phase")
      }
      if let outcome = PhasesOutcome(result, at: phase) { return outcome }
      if phase == Pipeline.lastRequestPhase { return .finished }
      phase = phase.next
    }
  }

  /// Runs the response phases from `first` until one answers or waits, or every phase has run.
  func runResponsePhases(from first: PhaseID, _ request: inout RequestContext, _ view: ResponseView)
    -> PhasesOutcome
  {
    var phase = first
    while true {
      let result: PhaseResult
      switch phase {
      case .vaultCapture: result = vaultCapture.run(&request, view)
      case .lifecycle: result = lifecycle.run(&request, view)
      case .ownedCookies: result = ownedCookies.run(&request, view)
      case .cookiePolicy: result = cookiePolicy.run(&request, view)
      case .cacheControl: result = cacheControl.run(&request, view)
      case .responseRewrite: result = responseRewrite.run(&request, view)
      case .strip, .trace, .refusedMethod, .methodOverride, .bodyLimit, .consent, .publicJWKS, .route,
        .authenticate,
        .require, .loginDetect, .vaultRequest, .assertion, .upstreamRequest:
        preconditionFailure("\(phase) is a request phase")
      }
      if let outcome = PhasesOutcome(result, at: phase) { return outcome }
      if phase == Pipeline.lastResponsePhase { return .finished }
      phase = phase.next
    }
  }

  /// The `logging` phase: exactly once per request, whichever way it ended.
  func finish(_ request: inout RequestContext, now: UInt64) {
    guard request.active else { return }
    request.active = false
    logging.run(&request, now: now)
  }
}

/// Every phase, in the order it runs (see `Pipeline`).
enum PhaseID: UInt8, Equatable {
  // Request filter.
  case strip, trace, refusedMethod, methodOverride, bodyLimit, consent, publicJWKS, route, authenticate
  case require, loginDetect, vaultRequest, assertion
  // Upstream request (after the upstream peer).
  case upstreamRequest
  // Response filter.
  case vaultCapture, lifecycle, ownedCookies, cookiePolicy, cacheControl, responseRewrite

  var next: PhaseID { PhaseID(rawValue: rawValue &+ 1)! }
}
