import Config

/// Checks on when a session ends: timeouts, rotation, the per-user cap.
enum ExpiryChecks {
  static let all = [idleTimeout, absoluteTimeout, rotation, perUserCap]

  static let hour: Int64 = 3_600_000_000_000

  static let idleTimeout = StaticCheck(
    "GH-EXP-001", "Idle timeout is set and at most 8 h", .expiry, .high,
    recommendation:
      "Set [session] idle_timeout to 30m (default) or less for sensitive apps; an unattended browser should not stay signed in for a working day."
  ) { config in
    StaticCheck.session(config) { session in
      let idle = session.policy.idleTimeout
      guard idle > 0 else { return .failed("idle_timeout = \"0s\": an unused session never ends") }
      let text = "idle_timeout = \"\(StaticCheck.duration(idle))\""
      if idle > 8 * hour { return .failed("\(text): longer than 8h") }
      if idle > hour { return .warning("\(text): longer than 1h") }
      return .passed(text)
    }
  }

  static let absoluteTimeout = StaticCheck(
    "GH-EXP-002", "Absolute timeout is set and at most 7 days", .expiry, .high,
    recommendation:
      "Set [session] absolute_timeout to 24h (default) or less, so a stolen or forgotten session ends however it is used."
  ) { config in
    StaticCheck.session(config) { session in
      let absolute = session.policy.absoluteTimeout
      guard absolute > 0 else { return .failed("absolute_timeout = \"0s\": a session in use never ends") }
      let text = "absolute_timeout = \"\(StaticCheck.duration(absolute))\""
      if absolute > 7 * 24 * hour { return .failed("\(text): longer than 7 days") }
      if absolute > 24 * hour { return .warning("\(text): longer than 24h") }
      return .passed(text)
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
