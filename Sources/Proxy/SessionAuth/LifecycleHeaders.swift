import Config
import HTTP1

/// Matchers for the response headers an app sends to start, end or elevate sessions. Immutable.
struct LifecycleHeaders: Sendable {
  let login: FieldNameMatcher
  let attributes: FieldNameMatcher
  let logout: FieldNameMatcher
  let elevate: FieldNameMatcher

  init(_ settings: SessionSettings) {
    login = FieldNameMatcher(patterns: [settings.loginHeader])
    attributes = FieldNameMatcher(patterns: [settings.attributesHeader])
    logout = FieldNameMatcher(patterns: [settings.logoutHeader])
    elevate = FieldNameMatcher(patterns: [settings.elevateHeader])
  }
}
