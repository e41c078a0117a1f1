import Config
import Sessions

/// Checks on when a session ends: timeouts, rotation, the per-user cap.
enum ExpiryChecks {
  static let all = [idleTimeout, absoluteTimeout, rotation, perUserCap]

  static let hour: Int64 = 3_600_000_000_000

  static let idleTimeout = timeout(
    "GH-EXP-001", "Idle timeout is set and at most 8 h", key: "idle_timeout",
    off: "an unused session never ends",
    failAbove: (8 * hour, "8h"), warnAbove: (hour, "1h"),
    recommendation:
      "Set [session] idle_timeout to 30m (default) or less for sensitive apps; an unattended browser should not stay signed in for a working day."
  ) { $0.idleTimeout }

  static let absoluteTimeout = timeout(
    "GH-EXP-002", "Absolute timeout is set and at most 7 days", key: "absolute_timeout",
    off: "a session in use never ends", failAbove: (7 * 24 * hour, "7 days"), warnAbove: (24 * hour, "24h"),
    recommendation:
      "Set [session] absolute_timeout to 24h (default) or less, so a stolen or forgotten session ends however it is used."
  ) { $0.absoluteTimeout }

  /// Fails when the timeout is off or above `failAbove`, warns above `warnAbove`.
  private static func timeout(
    _ id: String, _ title: String, key: String, off: String, failAbove: (Int64, String),
    warnAbove: (Int64, String),
    recommendation: String, value: @escaping @Sendable (SessionPolicy) -> Int64
  ) -> StaticCheck {
    StaticCheck(id, title, .expiry, .high, recommendation: recommendation) { config in
      StaticCheck.session(config) { session in
        let nanoseconds = value(session.policy)
        guard nanoseconds > 0 else { return .failed("\(key) = \"0s\": \(off)") }
        let text = "\(key) = \"\(StaticCheck.duration(nanoseconds))\""
        if nanoseconds > failAbove.0 { return .failed("\(text): longer than \(failAbove.1)") }
        if nanoseconds > warnAbove.0 { return .warning("\(text): longer than \(warnAbove.1)") }
        return .passed(text)
      }
    }
  }

  static let rotation = StaticCheck(
    "GH-EXP-003", "Session ids are rotated", .expiry, .medium,
    recommendation:
      "Set [session] rotation_interval to 5m (default) or at most 1h, so a copied cookie goes stale soon after its owner uses the session again."
  ) { config in
    StaticCheck.session(config) { session in
      let interval = session.policy.rotationInterval
      guard interval > 0 else {
        return .failed("rotation_interval = \"0s\": a session keeps one id for its whole life")
      }
      let text = "rotation_interval = \"\(StaticCheck.duration(interval))\""
      return interval > hour ? .failed("\(text): longer than 1h") : .passed(text)
    }
  }

  static let perUserCap = StaticCheck(
    "GH-EXP-004", "Sessions per user are capped", .expiry, .medium,
    recommendation:
      "Set [session] max_per_user (default 3): without a cap a stolen password can open sessions the owner never sees, and one user can fill the store."
  ) { config in
    StaticCheck.session(config) { session in
      let cap = session.policy.maxPerUser
      guard cap > 0 else { return .failed("max_per_user = 0: no cap") }
      let text = "max_per_user = \(cap), on_limit = \"\(session.policy.onLimit.rawValue)\""
      return cap > 20 ? .warning("\(text): more than 20 sessions per user") : .passed(text)
    }
  }
}
