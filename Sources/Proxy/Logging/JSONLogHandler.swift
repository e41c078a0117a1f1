public import Logging

/// swift-log handler writing one line per event (`time`, `level`, `event`, `message`, metadata)
/// to a `LogSink`, as JSON or logfmt text following the sink's current `format`. The level
/// comes from the sink too, so `[log] level` changes on reload; setting `logLevel` on a logger
/// pins that logger's level instead. Thread-safe (the sink is; the handler itself is a value).
public struct JSONLogHandler: LogHandler {
  public var metadata: Logger.Metadata = [:]
  let label: String
  let sink: LogSink
  private var pinnedLevel: Logger.Level?

  public init(label: String, sink: LogSink) {
    self.label = label
    self.sink = sink
  }

  public var logLevel: Logger.Level {
    get { pinnedLevel ?? sink.level }
    set { pinnedLevel = newValue }
  }

  public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
    get { metadata[key] }
    set { metadata[key] = newValue }
  }

  public func log(event: LogEvent) {
    var merged = metadata
    if let extra = event.metadata { merged.merge(extra) { $1 } }
    var line = LogLine(format: sink.format)
    line.add("time", sink.timestampNow())
    line.add("level", event.level.rawValue)
    line.add("event", merged.removeValue(forKey: "event").map { "\($0)" } ?? "log")
    line.add("message", "\(event.message)")
    for key in merged.keys.sorted() {
      line.add(key, "\(merged[key]!)")
    }
    sink.write(line.finish())
  }
}
