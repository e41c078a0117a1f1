/// Size limits applied while a head is parsed. Immutable value.
public struct HeadLimits: Sendable, Equatable {
  /// Longest request line, excluding its CRLF (leading empty lines not counted). Over → 414.
  public var maxRequestLineBytes: Int = 8192
  /// Longest head: start line, fields and the final empty line (leading empty lines counted). Over → 431.
  public var maxHeaderBytes: Int = 16384
  /// Most field lines in one head. Over → 431.
  public var maxHeaders: Int = 100
  /// Longest method token. The longest registered method (`UPDATEREDIRECTREF`) has 17 bytes; a
  /// longer one is refused (400) before it reaches an app that may log or reflect it.
  public var maxMethodBytes: Int = 32

  public init(
    maxRequestLineBytes: Int = 8192, maxHeaderBytes: Int = 16384, maxHeaders: Int = 100,
    maxMethodBytes: Int = 32
  ) {
    self.maxRequestLineBytes = maxRequestLineBytes
    self.maxHeaderBytes = maxHeaderBytes
    self.maxHeaders = maxHeaders
    self.maxMethodBytes = maxMethodBytes
  }
}
