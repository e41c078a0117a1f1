import EventLoop

/// A worker's listening socket (its own `SO_REUSEPORT` socket, so the kernel spreads new
/// connections over the workers). Accepts in bursts; when the process runs out of file
/// descriptors it pauses accepting for a moment instead of spinning. Loop-thread only.
final class Listener: EventHandler {
  let fd: Int32
  unowned let worker: Worker
  private var registration: Registration?
  private var paused = false

  init(fd: Int32, worker: Worker) {
    self.fd = fd
    self.worker = worker
  }

  func start() {
    registration = worker.loop.register(fd: fd, interest: [.read], handler: self)
  }

  func handle(_ events: Events) {
    for _ in 0..<64 {
      let result = Socket.accept(fd)
      switch result {
      case .accepted(let client, let peer):
        worker.adopt(fd: client, peer: peer)
      case .wouldBlock:
        return
      case .failed:
        if result.isResourceShortage { pause() }
        return
      }
    }
  }

  private func pause() {
    guard !paused, let registration else { return }
    paused = true
    worker.loop.modify(registration, fd: fd, interest: [])
    worker.log.error("accept paused: out of file descriptors", metadata: ["event": "accept_paused"])
    _ = worker.loop.schedule(at: worker.loop.now &+ 100_000_000) { [weak self] in
      guard let self, self.paused, let registration = self.registration else { return }
      self.paused = false
      self.worker.loop.modify(registration, fd: self.fd, interest: [.read])
    }
  }

  /// Stops accepting and closes the socket (drain).
  func close() {
    if let registration { worker.loop.unregister(registration, fd: fd) }
    registration = nil
    Posix.close(fd)
  }
}
