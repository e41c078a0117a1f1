/// Per-worker counters, written by the worker's loop thread only. Placeholder for the
/// Prometheus families of the operations issue.
final class WorkerMetrics {
  private(set) var requests = 0
  private(set) var parseRejections = 0
  private(set) var connectFailures = 0
  private(set) var retries = 0
  private(set) var timeouts = 0

  func requestStarted() { requests += 1 }
  func parseRejected(_ reason: String) { parseRejections += 1 }
  func upstreamConnected(nanos: UInt64) {}
  func upstreamConnectFailed() { connectFailures += 1 }
  func upstreamRetried() { retries += 1 }
  func timedOut(_ kind: ClientConnection.TimeoutKind) { timeouts += 1 }
  func requestFinished(_ context: RequestContext, route: Int) {}
}
