/// Log line format. Immutable.
public enum LogFormat: String, Sendable, CaseIterable {
  /// One JSON object per line (the default; what log shippers expect).
  case json
  /// Human-readable, for a terminal.
  case text
}
