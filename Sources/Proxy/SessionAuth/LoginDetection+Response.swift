import Config
import HTTP1
import Sessions

extension LoginDetection {
  /// The session lifecycle action the app's answer means for a request `LoginDetectPhase`
  /// marked: a login when the answer meets the success rule and a user id is known, a logout of
  /// the current session after the app answered the logout path; nil otherwise (counted). The
  /// user header, when configured, is left out of the client's response (`dropped`).
  func action(
    for progress: LoginDetectProgress, session: ActiveSession?, _ view: ResponseView, dropped: inout [Int],
    metrics: VaultMetrics
  ) -> SessionLifecycle.Action? {
    switch progress {
    case .logout:
      return session == nil ? nil : .logout(all: false)
    case .login(let formUser):
      var user = userHeader.isEmpty ? formUser : nil
      var locationMatches = successLocation.isEmpty
      var cookieMatches = successCookie.isEmpty
      let successCookies = CookieNameSet(cookieMatches ? [] : [successCookie])
      let fields = view.head.fields
      for position in 0..<fields.count {
        let name = fields[position].name(in: view.bytes)
        let value = fields[position].value(in: view.bytes)
        if !locationMatches && name.count == 8 && FieldName.equals(name, "location") {
          locationMatches = value.starts(with: successLocation.utf8)
        } else if !cookieMatches && name.count == 10 && FieldName.equals(name, "set-cookie") {
          cookieMatches = successCookies.containsCookie(setBy: value)
        } else if !userHeader.isEmpty && Self.equalsIgnoringCase(name, userHeader) {
          dropped.append(position)
          user = String(validating: value, as: UTF8.self)
        }
      }
      let statusMatches = successStatus.isEmpty || successStatus.contains(view.head.status)
      guard statusMatches && locationMatches && cookieMatches else {
        metrics.login(.notSuccessful)
        return nil
      }
      guard let user, IdentityValue.isSafe(user) else {
        metrics.login(.noUser)
        return nil
      }
      return .login(user: user, attributes: [:])
    case .none, .readingForm, .applying:
      return nil
    }
  }

  private static func equalsIgnoringCase(_ name: UnsafeRawBufferPointer, _ expected: String) -> Bool {
    name.count == expected.utf8.count
      && zip(name, expected.utf8).allSatisfy { ($0 | 0x20) == ($1 | 0x20) }
  }
}
