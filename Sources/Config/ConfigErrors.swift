/// Every problem found in a configuration file, sorted by line, so an operator fixes them all in
/// one pass (oauth2-proxy's model). Immutable.
public struct ConfigErrors: Error, Sendable, CustomStringConvertible {
  public let issues: [ConfigIssue]

  public init(issues: [ConfigIssue]) {
    self.issues = issues
  }

  /// One issue per line.
  public var description: String { issues.map(\.description).joined(separator: "\n") }
}
