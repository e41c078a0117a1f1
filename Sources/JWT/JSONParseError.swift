/// Why a JSON text was refused, and the byte offset where it was noticed. Immutable.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
  public let offset: Int
  public let reason: String

  public init(offset: Int, reason: String) {
    self.offset = offset
    self.reason = reason
  }

  public var description: String { "JSON: \(reason) at byte \(offset)" }
}
