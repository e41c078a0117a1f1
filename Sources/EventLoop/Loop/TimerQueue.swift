/// The timers of one loop: a binary min-heap ordered by (deadline, sequence), over a slot table
/// that gives every `TimerID` its heap position, so `cancel` is O(log n) and needs no hashing.
/// Equal deadlines fire in scheduling order. Loop-thread only (a value owned by the loop).
///
/// No clock inside: callers pass `now`, so tests drive it with plain numbers.
struct TimerQueue {
  struct Entry {
    var deadline: UInt64
    var sequence: UInt64
    var slot: Int32
  }

  struct Slot {
    var callback: (() -> Void)?
    var generation: UInt32
    var heapIndex: Int32
    var nextFree: Int32
  }

  private(set) var heap: [Entry] = []
  private var slots: [Slot] = []
  private var freeHead: Int32 = -1
  /// The sequence number the next timer will get.
  private(set) var nextSequence: UInt64 = 0

  var count: Int { heap.count }
  var earliestDeadline: UInt64? { heap.first?.deadline }

  mutating func insert(deadline: UInt64, _ callback: @escaping () -> Void) -> TimerID {
    let slot: Int32
    if freeHead >= 0 {
      slot = freeHead
      freeHead = slots[Int(slot)].nextFree
    } else {
      slot = Int32(slots.count)
      slots.append(Slot(callback: nil, generation: 1, heapIndex: -1, nextFree: -1))
    }
    slots[Int(slot)].callback = callback
    slots[Int(slot)].heapIndex = Int32(heap.count)
    heap.append(Entry(deadline: deadline, sequence: nextSequence, slot: slot))
    nextSequence &+= 1
    siftUp(heap.count - 1)
    return TimerID(slot: slot, generation: slots[Int(slot)].generation)
  }

  /// Removes the timer if it is still pending; false if it already fired or was cancelled.
  @discardableResult
  mutating func cancel(_ id: TimerID) -> Bool {
    guard id.slot >= 0, Int(id.slot) < slots.count, slots[Int(id.slot)].generation == id.generation,
      slots[Int(id.slot)].heapIndex >= 0
    else { return false }
    remove(at: Int(slots[Int(id.slot)].heapIndex))
    release(id.slot)
    return true
  }

  /// Removes and returns the earliest timer if its deadline is <= `now` and it was scheduled
  /// before `sequenceLimit` (so a timer that reschedules itself for "now" cannot spin forever).
  mutating func popDue(now: UInt64, sequenceLimit: UInt64) -> (() -> Void)? {
    guard let top = heap.first, top.deadline <= now, top.sequence < sequenceLimit else { return nil }
    remove(at: 0)
    let callback = slots[Int(top.slot)].callback
    release(top.slot)
    return callback
  }

  private mutating func release(_ slot: Int32) {
    slots[Int(slot)].callback = nil
    slots[Int(slot)].heapIndex = -1
    slots[Int(slot)].generation &+= 1
    slots[Int(slot)].nextFree = freeHead
    freeHead = slot
  }

  private mutating func remove(at index: Int) {
    let last = heap.count - 1
    if index != last {
      heap.swapAt(index, last)
      slots[Int(heap[index].slot)].heapIndex = Int32(index)
    }
    heap.removeLast()
    if index < heap.count {
      siftDown(index)
      siftUp(index)
    }
  }

  @inline(__always)
  private func less(_ a: Entry, _ b: Entry) -> Bool {
    a.deadline < b.deadline || (a.deadline == b.deadline && a.sequence < b.sequence)
  }

  private mutating func siftUp(_ start: Int) {
    var index = start
    let entry = heap[index]
    while index > 0 {
      let parent = (index - 1) / 2
      guard less(entry, heap[parent]) else { break }
      heap[index] = heap[parent]
      slots[Int(heap[index].slot)].heapIndex = Int32(index)
      index = parent
    }
    heap[index] = entry
    slots[Int(entry.slot)].heapIndex = Int32(index)
  }

  private mutating func siftDown(_ start: Int) {
    var index = start
    let entry = heap[index]
    let count = heap.count
    while true {
      var child = 2 * index + 1
      if child >= count { break }
      if child + 1 < count && less(heap[child + 1], heap[child]) { child += 1 }
      guard less(heap[child], entry) else { break }
      heap[index] = heap[child]
      slots[Int(heap[index].slot)].heapIndex = Int32(index)
      index = child
    }
    heap[index] = entry
    slots[Int(entry.slot)].heapIndex = Int32(index)
  }
}
