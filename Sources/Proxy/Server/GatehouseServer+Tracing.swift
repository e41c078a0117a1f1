extension GatehouseServer {
  /// Starts the span exporter's thread (with `[tracing] otlp_endpoint`) and hands it to every
  /// worker on its own loop; a request that ends before that is not exported.
  func startSpanExport() {
    do {
      guard let exporter = try SpanExporter(settings: config.tracing, clock: clock) else { return }
      try exporter.start()
      spanExporterStarted(exporter)
      let metrics = SpanExporterMetrics(exporter: exporter, registry: self.metrics.registry)
      self.metrics.addScrapeHook { metrics.update() }
      for worker in workers { worker.loop.execute { worker.spanExporter = exporter } }
    } catch {
      log.error("span export not started: \(error)", metadata: ["event": "tracing"])
    }
  }
}
