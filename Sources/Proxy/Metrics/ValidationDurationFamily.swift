import Synchronization

/// `gatehouse_session_validation_duration_seconds{method,result}`: the methods' per-worker
/// `ValidationDurations`, summed over workers and rendered at scrape time in swift-prometheus's
/// text (`HistogramFamily`). The series are the ones the registry rendered before the family left
/// it: one per method and result, from the moment the method is declared (`durations`), with no
/// `worker` label — so `/metrics` reads as before, and the request path takes no lock.
/// Thread-safe (a mutex around the declared methods; scrape and declarations are rare).
final class ValidationDurationFamily: Sendable {
  private struct Method {
    let name: String
    let results: [String]
    let workers: [ValidationDurations]
  }

  private let methods = Mutex<[Method]>([])
  private static let family = HistogramFamily(
    name: ValidationDurations.name, help: ValidationDurations.help, buckets: ValidationDurations.buckets)

  /// Declares `method` with its `result` labels and returns one series set per worker (index =
  /// worker index); a method declared again gets its first sets back (a reload keeps counting).
  func durations(method: String, results: [String], workers: Int) -> [ValidationDurations] {
    methods.withLock { methods in
      if let known = methods.first(where: { $0.name == method }) { return known.workers }
      let made = (0..<max(workers, 1)).map { _ in ValidationDurations(resultCount: results.count) }
      methods.append(Method(name: method, results: results, workers: made))
      return made
    }
  }

  /// Appends the family (nothing while no method is declared).
  func append(to buffer: inout [UInt8]) {
    let methods = self.methods.withLock { $0 }
    var series: [(labels: String, histograms: [WorkerHistogram])] = []
    for method in methods {
      for (index, result) in method.results.enumerated() {
        series.append(
          (#"method="\#(method.name)",result="\#(result)""#, method.workers.map { $0.results[index] }))
      }
    }
    Self.family.append(summed: series, to: &buffer)
  }
}
