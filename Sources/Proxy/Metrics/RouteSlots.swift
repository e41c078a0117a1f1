import Synchronization

/// Stable metric slots for route names, shared by all workers: the `route` label of
/// `gatehouse_requests_total` is a route *name* (a bounded set from the configuration), never a
/// path. Slots are handed out append-only, so a name keeps its slot across reloads and a
/// counter series never changes meaning. Slot 0 is `-` (no route matched). Once `capacity`
/// names have been seen (many reloads with ever-new names), further names share the last slot,
/// labelled `_other`. Thread-safe (Mutex); used at (re)load and at scrape, not per request.
final class RouteSlots: Sendable {
  static let capacity = 256
  static let noRoute = 0

  private let names = Mutex<[String]>(["-"])

  /// The slot of every route of `routeNames`, in order.
  func slots(for routeNames: [String]) -> [Int] {
    names.withLock { names in
      routeNames.map { name in
        if let index = names.firstIndex(of: name) { return index }
        if names.count < RouteSlots.capacity - 1 {
          names.append(name)
          return names.count - 1
        }
        return RouteSlots.capacity - 1
      }
    }
  }

  /// Label of every slot handed out so far (index = slot).
  func snapshot() -> [String] {
    names.withLock { names in
      names.count == RouteSlots.capacity - 1 ? names + ["_other"] : names
    }
  }
}
