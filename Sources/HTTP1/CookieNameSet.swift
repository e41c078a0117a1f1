/// The cookie names Gatehouse owns (session, CSRF, and any later feature's), matched against the
/// app's `Set-Cookie` field values the way a browser stores them (`SetCookieParser.effectiveName`,
/// so `=gh_session=x` counts as `gh_session`) and without regard to case (some apps read cookie
/// names case-insensitively). Immutable, thread-safe.
public struct CookieNameSet: Sendable, Equatable {
  /// Lower-cased names.
  private let names: [[UInt8]]

  public init(_ names: [String]) {
    self.names = names.filter { !$0.isEmpty }.map { Array($0.utf8).map(ASCII.lower) }
  }

  public var isEmpty: Bool { names.isEmpty }

  /// Whether the cookie `setCookieValue` sets is one of these names.
  public func containsCookie(setBy setCookieValue: UnsafeRawBufferPointer) -> Bool {
    guard !names.isEmpty, let range = SetCookieParser.effectiveName(in: setCookieValue) else { return false }
    for name in names where name.count == range.count {
      var index = 0
      while index < name.count && ASCII.lower(setCookieValue[range.lowerBound + index]) == name[index] {
        index += 1
      }
      if index == name.count { return true }
    }
    return false
  }
}
