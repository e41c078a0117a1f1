import Prometheus

/// Family constructors taking the full metric name (`gatehouse_…`), so every name appears
/// whole where it is defined and can be found with grep. Thread-safe (the registry is).
extension PrometheusCollectorRegistry {
  private static func descriptor(_ name: String, _ help: String) -> MetricNameDescriptor {
    MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
  }

  func counter(_ name: String, labels: [(String, String)] = [], help: String) -> Counter {
    makeCounter(descriptor: Self.descriptor(name, help), labels: labels)
  }

  func gauge(_ name: String, labels: [(String, String)] = [], help: String) -> Gauge {
    makeGauge(descriptor: Self.descriptor(name, help), labels: labels)
  }

  func durationHistogram(
    _ name: String, labels: [(String, String)], buckets: [Duration], help: String
  ) -> DurationHistogram {
    makeDurationHistogram(descriptor: Self.descriptor(name, help), labels: labels, buckets: buckets)
  }
}
