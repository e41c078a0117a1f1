/// Receives the readiness events of one registration. Called on the loop thread only.
///
/// The loop keeps a strong reference to the handler from `register` until the end of the
/// `epoll_wait` batch in which it was unregistered, so a handler may unregister (and drop its
/// other references to itself) from inside `handle`.
public protocol EventHandler: AnyObject {
  func handle(_ events: Events)
}
