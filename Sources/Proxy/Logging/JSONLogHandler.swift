public import Logging

/// swift-log handler writing one JSON object per line (`time`, `level`, `event`, `message`,
/// metadata) to a `LogSink`, or a plain text line when `format = "text"`. Thread-safe (the sink
/// is; the handler itself is a value).
public struct JSONLogHandler: LogHandler {
  public var metadata: Logger.Metadata = [:]
  public var logLevel: Logger.Level
  let label: String
  let sink: LogSink
  let json: Bool

  public init(label: String, sink: LogSink, level: Logger.Level, json: Bool) {
    self.label = label
    self.sink = sink
    self.logLevel = level
    self.json = json
  }

  public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
    get { metadata[key] }
    set { metadata[key] = newValue }
  }

  public func log(event: LogEvent) {
    var merged = metadata
    if let extra = event.metadata { merged.merge(extra) { $1 } }
    if json {
      var line = JSONLine()
      line.add("time", Timestamp.iso8601Now())
      line.add("level", event.level.rawValue)
      line.add("event", merged.removeValue(forKey: "event").map { "\($0)" } ?? "log")
      line.add("message", "\(event.message)")
      for key in merged.keys.sorted() {
        line.add(key, "\(merged[key]!)")
      }
      sink.write(line.finish())
    } else {
      var text = "\(Timestamp.iso8601Now()) \(event.level.rawValue.uppercased()) \(event.message)"
      for key in merged.keys.sorted() { text += " \(key)=\(merged[key]!)" }
      sink.write(text + "\n")
    }
  }
}
