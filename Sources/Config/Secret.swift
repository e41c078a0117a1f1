/// A secret read from the configuration (`env:NAME`, `file:PATH` or a literal). Every textual
/// form — interpolation, `print`, `dump`, debug output — shows "<redacted>", so a secret cannot
/// reach a log by accident; code that needs it asks for `revealed` by name. Immutable.
public struct Secret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible,
  CustomReflectable
{
  /// The secret itself. Use only where the value is compared or sent; never log it.
  public let revealed: String

  public init(_ value: String) {
    revealed = value
  }

  public var description: String { "<redacted>" }
  public var debugDescription: String { "<redacted>" }
  public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}
