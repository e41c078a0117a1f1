/// Where `[session.detect]` stands for the current request (`LoginDetectPhase`, then the
/// lifecycle phase).
enum LoginDetectProgress: Equatable {
  /// Not a login or logout request (or detection is off).
  case none
  /// A login request whose form body is being read for the user field.
  case readingForm(Int)
  /// A login request; `user` is the form field's value (nil: none, or taken from a response header).
  case login(user: String?)
  /// A request to the logout path.
  case logout
  /// The lifecycle phase is creating (or ending) the session it detected: its outcome is counted.
  case applying(login: Bool)
}
