import Glibc

/// The one place that reads `errno` after a system call. Every wrapper in this target goes
/// through it: `EINTR` is retried, `EAGAIN` becomes a value, bug-only errno values stop the
/// program, everything else is returned or thrown with the call's name.
enum Syscall {
  /// Runs `body` until it does not fail with `EINTR`. Returns the result (>= 0) or `-errno`.
  @inline(__always)
  static func retrying(_ body: () -> Int) -> Int {
    while true {
      let result = body()
      if result >= 0 { return result }
      let code = errno
      if code != EINTR { return -Int(code) }
    }
  }

  /// A read or write: > 0 bytes, 0 (end of file, meaningful for reads only), `EAGAIN`, or errno.
  @inline(__always)
  static func io(_ call: StaticString, _ body: () -> Int) -> IOStatus {
    let result = retrying(body)
    if result > 0 { return .bytes(result) }
    if result == 0 { return .eof }
    let code = Int32(-result)
    if code == EAGAIN || code == EWOULDBLOCK { return .wouldBlock }
    stopIfBug(call, code)
    return .failed(code)
  }

  /// A set-up call (socket, bind, epoll_ctl...): the result, or a thrown `SystemError`.
  @inline(__always)
  static func check(_ call: StaticString, _ body: () -> Int32) throws(SystemError) -> Int32 {
    let result = retrying { Int(body()) }
    if result >= 0 { return Int32(result) }
    let code = Int32(-result)
    stopIfBug(call, code)
    throw SystemError(call: call.description, code: code)
  }

  /// `EBADF` and `EFAULT` mean a closed or foreign descriptor or a bad pointer: continuing
  /// could read or write another connection's socket, so the program stops.
  @inline(__always)
  static func stopIfBug(_ call: StaticString, _ code: Int32) {
    if code == EBADF || code == EFAULT {
      bug(call, code)
    }
  }

  static func bug(_ call: StaticString, _ code: Int32) -> Never {
    preconditionFailure("\(call) failed with \(SystemError.reason(code)) (\(code)): a programming error")
  }
}
