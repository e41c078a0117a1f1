import Foundation
import Synchronization

/// A pool of client threads keeping logged-in sessions busy across gatehouse replicas, for the
/// migration tests. Each thread owns its users, so what each user should have is known exactly:
/// it logs in (a new session while below `cap`; a refusal, 403, at the cap with
/// `on_limit = "reject_new"`), uses its sessions (`GET /api/alive` must answer 200; a rotated
/// cookie replaces the old one), and logs out now and then. Every request goes to a random
/// replica. Counts every outcome; thread-safe (Mutex).
final class SessionTrafficPool: @unchecked Sendable {
  struct Counts: Sendable, CustomStringConvertible {
    var requests = 0
    /// Live sessions answered 401 (should never happen).
    var refused = 0
    /// 5xx answers and failed connections.
    var errors = 0
    var logins = 0
    /// Logins below the cap that got no working session.
    var loginsLost = 0
    /// Logins at the cap answered 403, as they must be.
    var capRefusals = 0
    /// Logins at the cap that were accepted (the cap was not exact).
    var capExceeded = 0
    var logouts = 0
    var rotations = 0
    /// The first few failures of each kind.
    var failures: [String: [String]] = [:]

    var description: String {
      "requests \(requests), refused \(refused), errors \(errors), logins \(logins), lost \(loginsLost), "
        + "cap refusals \(capRefusals), cap exceeded \(capExceeded), logouts \(logouts), rotations \(rotations)"
    }
  }

  let ports: [UInt16]
  let cookieName: String
  let cap: Int
  private let counts = Mutex(Counts())
  private let running = Atomic<Bool>(false)
  private let finished = Atomic<Int>(0)
  private var threadCount = 0
  /// Each user's live tickets, by thread: written only by the owning thread until `stop`.
  private var sessions: [[String: [String]]] = []

  init(ports: [UInt16], cookieName: String, cap: Int) {
    self.ports = ports
    self.cookieName = cookieName
    self.cap = cap
  }

  /// Gives each thread its users and their existing tickets (logged in before the pool started).
  func start(threads: [[String: [String]]]) {
    sessions = threads
    threadCount = threads.count
    running.store(true, ordering: .releasing)
    for index in threads.indices {
      let thread = Thread { [self] in
        run(index)
        finished.add(1, ordering: .releasing)
      }
      thread.start()
    }
  }

  /// Stops the threads and waits for them; answers the counts and each user's live tickets.
  func stop() -> (Counts, [String: [String]]) {
    running.store(false, ordering: .releasing)
    _ = waitUntil(timeout: 30) { self.finished.load(ordering: .acquiring) == self.threadCount }
    var all: [String: [String]] = [:]
    for part in sessions { all.merge(part) { a, _ in a } }
    return (counts.withLock { $0 }, all)
  }

  var snapshot: Counts { counts.withLock { $0 } }

  private func note(_ change: (inout Counts) -> Void) { counts.withLock { change(&$0) } }

  private func fail(_ kind: String, _ text: String) {
    note {
      if $0.failures[kind, default: []].count < 5 { $0.failures[kind, default: []].append(text) }
    }
  }

  private func run(_ index: Int) {
    var generator = SystemRandomNumberGenerator()
    let users = sessions[index].keys.sorted()
    while running.load(ordering: .acquiring) {
      let user = users.randomElement(using: &generator)!
      let roll = Int.random(in: 0..<100, using: &generator)
      let port = ports.randomElement(using: &generator)!
      var tickets = sessions[index][user] ?? []
      if roll < 8 || tickets.isEmpty {
        login(user, &tickets, port: port)
      } else if roll < 11 {
        logout(user, &tickets, port: port)
      } else {
        use(user, &tickets, port: port)
      }
      sessions[index][user] = tickets
    }
  }

  private func request(_ port: UInt16, _ target: String, ticket: String?) -> HTTPResponse? {
    guard let client = try? RawClient(port: port) else { return nil }
    defer { client.close() }
    let headers = ticket.map { [("Cookie", "\(cookieName)=\($0)")] } ?? []
    guard (try? client.sendRequest("GET", target, headers: headers)) != nil else { return nil }
    return try? client.readResponse(timeout: 10)
  }

  private func newTicket(_ response: HTTPResponse) -> String? {
    let prefix = "\(cookieName)="
    guard let field = response.headers.values("Set-Cookie").first(where: { $0.hasPrefix(prefix) }) else {
      return nil
    }
    let value = String(field.dropFirst(prefix.count).prefix { $0 != ";" })
    return value.isEmpty ? nil : value
  }

  private func login(_ user: String, _ tickets: inout [String], port: UInt16) {
    note { $0.requests += 1 }
    guard let response = request(port, "/login-as/\(user)", ticket: nil) else {
      note { $0.errors += 1 }
      return fail("no answer", "login \(user) on \(port)")
    }
    if tickets.count >= cap {
      if response.status == 403 {
        note { $0.capRefusals += 1 }
      } else {
        note { $0.capExceeded += 1 }
        fail("cap exceeded", "login \(user) at the cap on \(port): \(response.status)")
        if let ticket = newTicket(response) { tickets.append(ticket) }
      }
      return
    }
    note { $0.logins += 1 }
    guard response.status == 200, let ticket = newTicket(response) else {
      note {
        $0.loginsLost += 1
        if response.status >= 500 { $0.errors += 1 }
      }
      return fail(
        "login lost", "login \(user) below the cap on \(port): \(response.status) \(response.bodyText)")
    }
    tickets.append(ticket)
    // The new session works at once, on another replica.
    use(ticket, user, &tickets, port: ports.first { $0 != port } ?? port, afterLogin: true)
  }

  private func logout(_ user: String, _ tickets: inout [String], port: UInt16) {
    guard let ticket = tickets.first else { return }
    note { $0.requests += 1 }
    guard let response = request(port, "/logout-this", ticket: ticket) else {
      note { $0.errors += 1 }
      return fail("no answer", "logout \(user)")
    }
    guard response.status == 200 else {
      note { $0.errors += 1 }
      return fail("error", "logout \(user) on \(port): \(response.status)")
    }
    note { $0.logouts += 1 }
    tickets.removeFirst()
  }

  private func use(_ user: String, _ tickets: inout [String], port: UInt16) {
    guard let ticket = tickets.randomElement() else { return }
    use(ticket, user, &tickets, port: port, afterLogin: false)
  }

  private func use(
    _ ticket: String, _ user: String, _ tickets: inout [String], port: UInt16, afterLogin: Bool
  ) {
    note { $0.requests += 1 }
    guard let response = request(port, "/api/alive", ticket: ticket) else {
      note { $0.errors += 1 }
      return fail("no answer", "use \(user) on \(port)")
    }
    switch response.status {
    case 200:
      if let rotated = newTicket(response), let index = tickets.firstIndex(of: ticket) {
        tickets[index] = rotated
        note { $0.rotations += 1 }
      }
    case 401:
      note {
        $0.refused += 1
        if afterLogin { $0.loginsLost += 1 }
      }
      fail(
        "refused", "\(afterLogin ? "new " : "")session of \(user) refused on \(port): \(response.bodyText)")
    default:
      note { $0.errors += 1 }
      fail("error", "use \(user) on \(port): \(response.status) \(response.bodyText)")
    }
  }
}
