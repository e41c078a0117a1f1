import Config
import Synchronization

/// The named checks behind `/readyz`. Components register a check when they start (the
/// listeners now; the JWKS cache and the session store later) and `/readyz` is 200 only when
/// every check passes. Thread-safe (Mutex); checks run on the admin thread at each probe, so
/// they must be cheap and non-blocking — read an atomic or a snapshot, never do I/O.
///
/// A down upstream is deliberately *not* a readiness failure: Gatehouse is a sidecar in the
/// application's pod, and an application that is starting or restarting already fails its own
/// probe; failing Gatehouse's too would only hide which container is at fault (and a proxy that
/// is not ready cannot even answer 502 to tell clients what is wrong).
public final class Readiness: Sendable {
  /// Result of one check: `nil` when ready, otherwise a short operator-readable reason.
  public typealias Check = @Sendable () -> String?

  /// A check that failed at the time of the probe. Immutable.
  public struct Failure: Sendable, Equatable {
    public let name: String
    public let detail: String
  }

  private let checks = Mutex<[(name: String, check: Check)]>([])

  public init() {}

  /// Adds a check, or replaces the check of the same name.
  public func register(_ name: String, _ check: @escaping Check) {
    checks.withLock { checks in
      if let index = checks.firstIndex(where: { $0.name == name }) {
        checks[index].check = check
      } else {
        checks.append((name, check))
      }
    }
  }

  public func unregister(_ name: String) {
    checks.withLock { $0.removeAll { $0.name == name } }
  }

  /// Runs every check (outside the lock, so a check may register others) and returns the
  /// failing ones in registration order; empty means ready.
  public func failures() -> [Failure] {
    let current = checks.withLock { $0 }
    var result: [Failure] = []
    for entry in current {
      if let detail = entry.check() { result.append(Failure(name: entry.name, detail: detail)) }
    }
    return result
  }

  /// The `/readyz` body: `{"status":"ready"}` or
  /// `{"status":"not_ready","failing":[{"name":"…","detail":"…"}]}`.
  public static func body(for failures: [Failure]) -> [UInt8] {
    var line = LogLine(format: .json)
    if failures.isEmpty {
      line.add("status", "ready")
      return line.finish()
    }
    line.add("status", "not_ready")
    line.addRaw(
      "failing",
      failures.map { failure -> [UInt8] in
        var item = LogLine(format: .json)
        item.add("name", failure.name)
        item.add("detail", failure.detail)
        return item.finishObject()
      })
    return line.finish()
  }
}
