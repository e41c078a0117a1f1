import Prometheus

/// `gatehouse_vault_cookies_total{action}` and `gatehouse_logins_detected_total{result}`
/// (docs/vault.md, docs/operations.md). swift-prometheus counters are atomic: any worker records
/// straight into them. Thread-safe.
final class VaultMetrics: Sendable {
  enum Action: String, CaseIterable {
    /// A vaulted cookie the app set was written into a session record (new or changed value).
    case stored
    /// The app deleted a vaulted cookie (or let it expire): removed from the record.
    case removed
    /// A client sent a vaulted cookie: removed from the request the app received.
    case strippedClient = "stripped_client"
    /// The app set a vaulted cookie on a request without a session: dropped, kept nowhere.
    case droppedNoSession = "dropped_no_session"
    /// The app's `Set-Cookie` for a vaulted name did not parse: dropped.
    case droppedUnparsable = "dropped_unparsable"
  }

  enum LoginResult: String, CaseIterable {
    /// A detected login created a session.
    case created
    /// The login request matched but the response did not meet the success rule.
    case notSuccessful = "not_successful"
    /// A successful login without a usable user id (field missing, body too long, bad header).
    case noUser = "no_user"
    /// The session could not be created (cap with `reject_new`, store unavailable).
    case refused
    /// A detected logout ended the session.
    case logout
  }

  private let actions: [Counter]
  private let logins: [Counter]

  init(registry: PrometheusCollectorRegistry) {
    actions = Action.allCases.map {
      registry.counter(
        "gatehouse_vault_cookies_total", labels: [("action", $0.rawValue)],
        help: "The app's vaulted cookies, by what Gatehouse did with them.")
    }
    logins = LoginResult.allCases.map {
      registry.counter(
        "gatehouse_logins_detected_total", labels: [("result", $0.rawValue)],
        help: "Logins and logouts detected by [session.detect], by result.")
    }
  }

  func record(_ action: Action, count: Int = 1) {
    actions[Action.allCases.firstIndex(of: action)!].increment(by: Int64(count))
  }

  func login(_ result: LoginResult) { logins[LoginResult.allCases.firstIndex(of: result)!].increment() }
}
