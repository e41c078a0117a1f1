import Glibc

/// A failed system call: the call's name and its `errno`. Immutable.
///
/// Only errors a correct program can meet at run time are thrown (`ECONNREFUSED`, `EMFILE`,
/// `EADDRINUSE`...); errno values that can only mean a bug (`EBADF`, `EFAULT`) stop the program
/// instead, as in SwiftNIO's `NIOPosix`.
public struct SystemError: Error, CustomStringConvertible, Sendable {
  public let call: String
  public let code: Int32

  public init(call: String, code: Int32) {
    self.call = call
    self.code = code
  }

  /// "connect: Connection refused".
  public var description: String { "\(call): \(reason)" }

  /// The errno's text alone: "Connection refused".
  public var reason: String { SystemError.reason(code) }

  /// The call gave up because its deadline passed (`ETIMEDOUT`).
  public var isTimeout: Bool { code == ETIMEDOUT }

  static func reason(_ code: Int32) -> String {
    guard let text = strerror(code) else { return "errno \(code)" }
    return String(cString: text)
  }
}
