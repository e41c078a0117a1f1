/// Counts over a sliding window of time, kept as `slotCount` slots of `span / slotCount` each:
/// a count ages out one slot at a time, so the totals cover between `span − slot` and `span`.
/// Pure: time (monotonic ns) is passed in. Value type; its owner guards it.
public struct MigrationWindow: Sendable, Equatable {
  /// What `split`'s step back judges.
  public struct Counts: Sendable, Equatable {
    /// `to`'s calls, and of those: failed, and slower than the p99 limit.
    public var operations = 0
    public var errors = 0
    public var slow = 0
    /// Reads answered by both stores and compared, and of those: differing.
    public var comparisons = 0
    public var mismatches = 0

    public init(
      operations: Int = 0, errors: Int = 0, slow: Int = 0, comparisons: Int = 0, mismatches: Int = 0
    ) {
      self.operations = operations
      self.errors = errors
      self.slow = slow
      self.comparisons = comparisons
      self.mismatches = mismatches
    }

    static func + (a: Counts, b: Counts) -> Counts {
      Counts(
        operations: a.operations + b.operations, errors: a.errors + b.errors, slow: a.slow + b.slow,
        comparisons: a.comparisons + b.comparisons, mismatches: a.mismatches + b.mismatches)
    }
  }

  public let span: UInt64
  public let slotCount: Int
  private let slotWidth: UInt64
  private var slots: [Counts]
  /// The absolute slot number (`now / slotWidth`) each slot holds, so stale slots are recognised.
  private var slotNumbers: [UInt64]

  public init(span: UInt64, slotCount: Int = 10) {
    self.slotCount = max(slotCount, 1)
    self.span = max(span, UInt64(self.slotCount))
    slotWidth = self.span / UInt64(self.slotCount)
    slots = Array(repeating: Counts(), count: self.slotCount)
    slotNumbers = Array(repeating: UInt64.max, count: self.slotCount)
  }

  public mutating func add(_ counts: Counts, now: UInt64) {
    let number = now / slotWidth
    let index = Int(number % UInt64(slotCount))
    if slotNumbers[index] != number {
      slotNumbers[index] = number
      slots[index] = Counts()
    }
    slots[index] = slots[index] + counts
  }

  /// The counts of the slots still inside the window at `now`.
  public func total(now: UInt64) -> Counts {
    let current = now / slotWidth
    var sum = Counts()
    for index in 0..<slotCount {
      let number = slotNumbers[index]
      if number != UInt64.max && number <= current && current - number < UInt64(slotCount) {
        sum = sum + slots[index]
      }
    }
    return sum
  }

  /// Forgets everything (a new setting is judged on its own calls only).
  public mutating func reset() {
    slots = Array(repeating: Counts(), count: slotCount)
    slotNumbers = Array(repeating: UInt64.max, count: slotCount)
  }
}
