/// The newest `capacity` elements appended, oldest first: appending to a full ring overwrites
/// the oldest element, so memory stays fixed however long the process runs. A plain value;
/// whoever owns it decides the thread.
struct RingBuffer<Element> {
  let capacity: Int
  private var storage: [Element] = []
  /// Where the next append goes once `storage` is full.
  private var next = 0

  init(capacity: Int) {
    precondition(capacity > 0, "a ring holds at least one element")
    self.capacity = capacity
    storage.reserveCapacity(capacity)
  }

  var count: Int { storage.count }
  var isEmpty: Bool { storage.isEmpty }

  mutating func append(_ element: Element) {
    if storage.count < capacity {
      storage.append(element)
    } else {
      storage[next] = element
      next = (next + 1) % capacity
    }
  }

  /// Overwrites the newest element (no-op when empty).
  mutating func replaceNewest(_ element: Element) {
    guard !storage.isEmpty else { return }
    storage[newestIndex] = element
  }

  private var newestIndex: Int {
    storage.count < capacity ? storage.count - 1 : (next + capacity - 1) % capacity
  }

  /// The element `offset` places before the newest (0 = the newest); nil past the oldest.
  func element(fromNewest offset: Int) -> Element? {
    guard offset >= 0 && offset < storage.count else { return nil }
    return storage[(newestIndex - offset + capacity) % capacity]
  }

  var newest: Element? { element(fromNewest: 0) }

  /// Every element, oldest first.
  var elements: [Element] {
    storage.count < capacity ? storage : Array(storage[next...] + storage[..<next])
  }
}

extension RingBuffer: Sendable where Element: Sendable {}
