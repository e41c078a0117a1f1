import Prometheus
import Synchronization

/// Moves the exporter's counters into `gatehouse_spans_exported_total`,
/// `gatehouse_spans_dropped_total` (queue full) and `gatehouse_span_export_failures_total`
/// (batches) at scrape time. Thread-safe (Mutex around the last exported totals).
final class SpanExporterMetrics: Sendable {
  private let exporter: SpanExporter
  private let exported: Counter
  private let dropped: Counter
  private let failures: Counter
  private let last = Mutex<(UInt64, UInt64, UInt64)>((0, 0, 0))

  init(exporter: SpanExporter, registry: PrometheusCollectorRegistry) {
    self.exporter = exporter
    exported = registry.counter(
      "gatehouse_spans_exported_total", labels: [], help: "Spans the collector accepted.")
    dropped = registry.counter(
      "gatehouse_spans_dropped_total", labels: [], help: "Spans dropped because the export queue was full.")
    failures = registry.counter(
      "gatehouse_span_export_failures_total", labels: [], help: "Span batches the collector did not accept.")
  }

  func update() {
    let now = (
      exporter.exported.load(ordering: .relaxed), exporter.dropped.load(ordering: .relaxed),
      exporter.failedExports.load(ordering: .relaxed)
    )
    last.withLock { last in
      if now.0 > last.0 { exported.increment(by: Int64(now.0 - last.0)) }
      if now.1 > last.1 { dropped.increment(by: Int64(now.1 - last.1)) }
      if now.2 > last.2 { failures.increment(by: Int64(now.2 - last.2)) }
      last = now
    }
  }
}
