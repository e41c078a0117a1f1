import CLinux
import Glibc

/// `epoll(7)` calls. Thread-safe (no state). Level-triggered only: a handler that leaves bytes
/// unread is called again, so "one read per readiness event" can never lose data.
enum Epoll {
  static let input = UInt32(EPOLLIN.rawValue)
  static let output = UInt32(EPOLLOUT.rawValue)
  static let error = UInt32(EPOLLERR.rawValue)
  static let hangup = UInt32(EPOLLHUP.rawValue)
  static let readHangup = UInt32(EPOLLRDHUP.rawValue)

  static func create() throws(SystemError) -> Int32 {
    try Syscall.check("epoll_create1") { epoll_create1(Int32(EPOLL_CLOEXEC)) }
  }

  /// `epoll_ctl`. `EEXIST`, `ENOENT`, `EINVAL`, `ELOOP`, `EPERM` mean the caller mixed up
  /// descriptors or registrations: a bug. `ENOMEM` and `ENOSPC` (max_user_watches) are thrown.
  static func ctl(_ epfd: Int32, _ op: Int32, _ fd: Int32, _ events: UInt32, _ data: UInt64)
    throws(SystemError)
  {
    var event = epoll_event()
    event.events = events
    event.data.u64 = data
    if epoll_ctl(epfd, op, fd, &event) == 0 { return }
    let code = errno
    switch code {
    case ENOMEM, ENOSPC: throw SystemError(call: "epoll_ctl", code: code)
    default: Syscall.bug("epoll_ctl", code)
    }
  }

  static let add = Int32(EPOLL_CTL_ADD)
  static let modify = Int32(EPOLL_CTL_MOD)
  static let delete = Int32(EPOLL_CTL_DEL)

  /// `epoll_wait`; an interrupted wait returns 0 events (the loop re-checks its state and
  /// waits again), any other error is a bug.
  @inline(__always)
  static func wait(
    _ epfd: Int32, _ events: UnsafeMutablePointer<epoll_event>, _ capacity: Int32, _ timeout: Int32
  )
    -> Int
  {
    let count = epoll_wait(epfd, events, capacity, timeout)
    if count >= 0 { return Int(count) }
    let code = errno
    if code == EINTR { return 0 }
    Syscall.bug("epoll_wait", code)
  }
}
