import Codecs
import EventLoop
import HTTP1
import JWT
import Sessions
import Synchronization

/// The migration admin API on the admin listener (token-protected like `/metrics`;
/// docs/migration.md §3):
///
///     GET /migration    the setting this replica applies, where it came from, the step-back window
///     PUT /migration    {"mode": "split", "percentage": 25}: published to the fleet, then applied
///
/// `percentage` may be left out (the current one stays). Unknown members, a mode that does not
/// exist or a percentage outside 0...100 are 400; leaving `complete` for a setting where `from`
/// answers is 409 unless the body says `"force": true` (`MigrationSetting.riskOfMoving`); a
/// fleet key that cannot be written is 503 and nothing changes. Thread-safe; a PUT with a Redis `from` answers later through `resume`, on
/// worker 0's thread.
final class MigrationAdmin: Sendable {
  let coordinator: MigrationCoordinator
  /// Largest PUT body read.
  static let maxBodyBytes = 1024

  init(coordinator: MigrationCoordinator) { self.coordinator = coordinator }

  func respond(
    method: HTTPMethod, body: [UInt8], resume: @escaping @Sendable (AdminResponse) -> Void
  ) -> AdminResponse? {
    switch method {
    case .get, .head:
      return .json(200, Self.state(coordinator))
    case .put:
      let setting: MigrationSetting
      let current = coordinator.control.setting
      switch Self.parse(body, current: current) {
      case .invalid(let problem): return .json(400, #"{"error":\#(JSONString.quoted(problem))}"#)
      case .valid(let parsed, let force):
        if !force, let risk = current.riskOfMoving(to: parsed) {
          return .json(409, #"{"error":\#(JSONString.quoted(risk + " (or send \"force\": true)"))}"#)
        }
        setting = parsed
      }
      let coordinator = self.coordinator
      let answer = LateAnswer()
      coordinator.request(setting, source: .admin) { result in
        let response: AdminResponse
        switch result {
        case .success: response = .json(200, Self.state(coordinator))
        case .failure(let error):
          response = .json(
            503,
            #"{"error":\#(JSONString.quoted("the fleet key in the from Redis cannot be written: \(error)"))}"#
          )
        }
        answer.deliver(response, resume: resume)
      }
      return answer.returned()
    default:
      return .text(405, "method not allowed", extraHeaders: [("Allow", "GET, HEAD, PUT")])
    }
  }

  /// What a PUT body asks for.
  enum Request: Equatable {
    case valid(MigrationSetting, force: Bool)
    case invalid(String)
  }

  /// `{"mode": "...", "percentage": N, "force": true}`; other members are refused.
  static func parse(_ body: [UInt8], current: MigrationSetting) -> Request {
    guard body.count <= maxBodyBytes else { return .invalid("body larger than \(maxBodyBytes) bytes") }
    guard let value = try? JSONParser.parse(body), case .object(let members) = value else {
      return .invalid("expected a JSON object such as {\"mode\": \"split\", \"percentage\": 25}")
    }
    if let unknown = members.keys.sorted().first(where: { !["mode", "percentage", "force"].contains($0) }) {
      return .invalid("unknown member \"\(unknown)\"; use mode, percentage and force")
    }
    var force = false
    if let given = members["force"] {
      guard let flag = given.boolValue else { return .invalid("force must be true or false") }
      force = flag
    }
    guard let modeText = members["mode"]?.stringValue else { return .invalid("mode is required (a string)") }
    guard let mode = MigrationMode(rawValue: modeText) else {
      return .invalid(
        "unknown mode \"\(modeText)\"; use \(MigrationMode.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    var percentage = current.percentage
    if let given = members["percentage"] {
      guard let number = given.int64Value, (0...100).contains(number), case .int = given else {
        return .invalid("percentage must be an integer from 0 to 100")
      }
      percentage = Int(number)
    }
    return .valid(MigrationSetting(mode: mode, percentage: percentage), force: force)
  }

  /// The JSON of `GET /migration`.
  static func state(_ coordinator: MigrationCoordinator) -> String {
    let control = coordinator.control
    let applied = control.applied
    let counts = control.windowCounts()
    let thresholds = control.thresholds
    let now = control.clock.monotonicNanos()
    let age = (now &- min(applied.since, now)) / 1_000_000_000
    var drain = "null"
    if applied.setting.mode == .complete {
      let end = applied.since &+ control.drainWindow
      drain = "\(end > now ? (end - now + 999_999_999) / 1_000_000_000 : 0)"
    }
    func q(_ text: String) -> String { JSONString.quoted(text) }
    return "{\"mode\":\(q(applied.setting.mode.rawValue)),\"percentage\":\(applied.setting.percentage)"
      + ",\"version\":\(applied.version),\"source\":\(q(applied.source.rawValue)),\"applied_seconds_ago\":\(age)"
      + ",\"migration\":\(q(coordinator.identity.id)),\"from\":\(q(coordinator.identity.from))"
      + ",\"to\":\(q(coordinator.identity.to)),\"require\":\(q(coordinator.settings.require.rawValue))"
      + ",\"drain_seconds_left\":\(drain)"
      + ",\"step_back\":{\"judging\":\(control.judging),\"window_seconds\":\(thresholds.window / 1_000_000_000)"
      + ",\"operations\":\(counts.operations),\"errors\":\(counts.errors),\"slow\":\(counts.slow)"
      + ",\"comparisons\":\(counts.comparisons),\"mismatches\":\(counts.mismatches)"
      + ",\"max_error_rate\":\(thresholds.errorRate),\"max_p99_ms\":\(thresholds.p99 / 1_000_000)"
      + ",\"max_mismatch_rate\":\(thresholds.mismatchRate),\"min_operations\":\(thresholds.minimumOperations)}}"
  }
}

/// Hands an answer that may come synchronously (memory `from`) or later (a fleet publication on
/// worker 0's loop) to `MigrationAdmin.respond`'s caller exactly once. Thread-safe (Mutex).
final class LateAnswer: Sendable {
  private let state = Mutex<(returned: Bool, value: AdminResponse?)>((false, nil))

  /// The answer if it is already there; from now on a later one goes to `resume`.
  func returned() -> AdminResponse? {
    state.withLock {
      $0.returned = true
      return $0.value
    }
  }

  func deliver(_ response: AdminResponse, resume: @Sendable (AdminResponse) -> Void) {
    let late = state.withLock { state -> Bool in
      if !state.returned { state.value = response }
      return state.returned
    }
    if late { resume(response) }
  }
}
