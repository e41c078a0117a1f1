import Config
import HTTP1

/// Matchers for the response headers an app sends to start, end or elevate sessions. Immutable.
struct LifecycleHeaders: Sendable {
  let login: FieldNameMatcher
  let attributes: FieldNameMatcher
  let logout: FieldNameMatcher
  let elevate: FieldNameMatcher
  /// All four names: most response fields are none of them, and one matcher (its length and
  /// first-byte tests) refuses such a field instead of four (docs/performance.md, "Session L1
  /// hit, round 7").
  let any: FieldNameMatcher

  init(_ settings: SessionSettings) {
    any = FieldNameMatcher(patterns: [
      settings.loginHeader, settings.attributesHeader, settings.logoutHeader, settings.elevateHeader,
    ])
    login = FieldNameMatcher(patterns: [settings.loginHeader])
    attributes = FieldNameMatcher(patterns: [settings.attributesHeader])
    logout = FieldNameMatcher(patterns: [settings.logoutHeader])
    elevate = FieldNameMatcher(patterns: [settings.elevateHeader])
  }
}
