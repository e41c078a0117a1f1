/// Outcome of one `HeadParser` call. Immutable value.
public enum HeadParseResult: Equatable, Sendable {
  /// More bytes are needed; call again with the same buffer grown.
  case incomplete
  /// The head is complete; `headLength` bytes of the buffer belong to it.
  case complete
  /// The head breaks a rule; the connection must not be reused.
  case failed(HTTPParseError)
}
