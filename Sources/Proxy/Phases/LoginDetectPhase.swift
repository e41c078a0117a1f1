import Codecs
import Config
import HTTP1
import Sessions

/// Request phase 8, the request half of `[session.detect]` (docs/vault.md, "Login and logout
/// detection"): marks a request to the configured login method + path, or to the logout path,
/// for the lifecycle phase, which decides on the app's answer. For a login whose user id comes
/// from a form field, the urlencoded body (up to `max_form_bytes`) is read first (`.needBody`)
/// and the field taken from it; the bytes stay in the buffer and still reach the app unchanged.
/// The body is never logged and nothing but the user field is kept (a password is never
/// copied). Without `[session.detect]` it returns at once. Immutable.
struct LoginDetectPhase: RequestPhase {
  func run(_ request: inout RequestContext, _ view: RequestView) -> PhaseResult {
    // Tested before the binding: `guard let` copied the optional rules even when they were nil.
    guard request.runtime.vault != nil, let detect = request.runtime.vault?.detect else { return .proceed }
    switch request.loginDetect {
    case .readingForm(let length):
      let body = UnsafeRawBufferPointer(rebasing: view.body[0..<length])
      let field = body.withMemoryRebound(to: UInt8.self) {
        CSRFPolicy.formField(named: Array(detect.userField.utf8), in: $0, limit: detect.maxFormBytes)
      }
      if case .found(let value) = field {
        request.loginDetect = .login(user: String(validating: value, as: UTF8.self))
      } else {
        request.loginDetect = .login(user: nil)
      }
      return .proceed
    case .none:
      break
    case .login, .logout, .applying:
      return .proceed
    }
    let path = view.path
    if !detect.logoutPath.isEmpty && path.elementsEqual(detect.logoutPath.utf8) {
      request.loginDetect = .logout
      return .proceed
    }
    guard path.elementsEqual(detect.loginPath.utf8), view.methodName.elementsEqual(detect.loginMethod.utf8)
    else {
      return .proceed
    }
    let head = view.head
    let index = request.headers
    guard detect.userHeader.isEmpty, !head.expectContinue, case .contentLength(let length) = head.framing,
      length > 0, length <= Int64(detect.maxFormBytes), Int(length) <= view.bodyRoom,
      let type = index.value(index.contentType, head, view.bytes),
      ByteSearch.containsCaseInsensitive(Array(type), "application/x-www-form-urlencoded")
    else {
      request.loginDetect = .login(user: nil)
      return .proceed
    }
    request.loginDetect = .readingForm(Int(length))
    return .needBody(Int(length))
  }
}
