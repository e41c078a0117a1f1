/// What a `BreakerSessionStore` reports, so the proxy can count it (Prometheus stays out of
/// Sessions). Called on the breaker's loop thread; one instance may serve every worker's breaker,
/// so implementations are thread-safe.
public protocol BreakerSessionStoreMetrics: Sendable {
  /// A store call failed with `.storeUnavailable`; `detail` is the store's own text
  /// (`RedisError`'s description for Redis).
  func storeFailed(detail: String)
  /// A call was refused without trying: breaker open, or its half-open probe in flight.
  func refusedWhileOpen()
  /// The breaker of `worker` entered `state`.
  func breakerChanged(worker: Int, to state: BreakerSessionStore.State)
  /// Starts timing one store call: an instant from the implementation's own clock, handed back
  /// to `callFinished` (the breaker's `now` is the loop's cached time, too coarse for latency).
  func callStarted() -> UInt64
  /// The `operation` call started at `startedAt` completed (successfully or not).
  func callFinished(startedAt: UInt64, operation: BreakerSessionStore.Operation)
}
