/// A secret read from the configuration (`env:NAME`, `file:PATH` or a literal). Every textual
/// form — interpolation, `print`, `dump`, debug output — shows "<redacted>", so a secret cannot
/// reach a log by accident; code that needs it asks for `revealed` by name. Immutable.
public struct Secret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible,
  CustomReflectable
{
  /// Where the value was written. A literal is readable by everyone who can read the file (and
  /// its history in version control); `gatehouse audit` reports it.
  public enum Origin: Sendable, Equatable {
    /// `env:NAME`.
    case environment(String)
    /// `file:PATH`, the path as resolved against the config's directory.
    case file(String)
    /// The value itself in the config file.
    case literal
  }

  /// The secret itself. Use only where the value is compared or sent; never log it.
  public let revealed: String
  public let origin: Origin

  public init(_ value: String, origin: Origin = .literal) {
    revealed = value
    self.origin = origin
  }

  /// Two secrets are equal when their values are: moving a key from the file to the environment
  /// does not change the configuration.
  public static func == (a: Secret, b: Secret) -> Bool { a.revealed == b.revealed }

  public var description: String { "<redacted>" }
  public var debugDescription: String { "<redacted>" }
  public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}
