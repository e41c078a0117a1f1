import Glibc

/// A fixed-capacity byte buffer with a reader and a writer index. Loop-thread only.
///
/// Bytes live between `readerIndex` and `writerIndex`; the buffer never grows, so a pointer or
/// offset into it stays valid until `compact()` or `clear()`. Memory of 16 KiB and more comes
/// from `mmap(MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE)`: pages that are never touched cost
/// no RSS, so every connection can own a large buffer. Smaller buffers use `malloc`.
///
/// A pooled buffer (`init(pool:)`) borrows its storage from a `ByteBufferPool`: it has
/// none until `attach()` and gives it back on `detach()` (only while empty) or deinit, so an
/// idle connection's buffers hold no touched pages.
///
/// The indexes (and the storage's address) are reached through a `let` pointer (a stored `var` of a class would cost an
/// exclusivity check on every access); they live before the bytes of a malloc'ed buffer and in
/// their own small allocation for a mapped one, whose pages stay untouched until bytes arrive. The
/// index accessors and the appends are `@inlinable`: the proxy calls them dozens of times per
/// request from another module, and a call (with the retain around it) costs more than the
/// load it wraps.
public final class ByteBuffer {
  /// The number of bytes the buffer can hold.
  public let capacity: Int

  /// reader index, writer index, address of the storage (0: a pooled buffer without storage).
  @usableFromInline let indexes: UnsafeMutablePointer<Int>
  private let allocation: UnsafeMutableRawPointer?
  private let allocationSize: Int
  private let isMapped: Bool
  private let pool: ByteBufferPool?

  /// Buffers this large or larger are mapped rather than malloc'ed.
  static let mapThreshold = 16 * 1024
  /// Room before `base` for the two indexes; one cache line keeps `base` aligned.
  static let headerSize = 64

  public init(capacity: Int) {
    precondition(capacity > 0, "ByteBuffer capacity must be positive")
    let needed = capacity + ByteBuffer.headerSize
    var memory: UnsafeMutableRawPointer? = nil
    var size = needed
    var mapped = false
    if capacity >= ByteBuffer.mapThreshold {
      let page = Int(sysconf(Int32(_SC_PAGESIZE)))
      size = (needed + page - 1) / page * page
      let result = mmap(
        nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0)
      if let result, result != MAP_FAILED {
        memory = result
        mapped = true
      }
    }
    if memory == nil {
      size = needed
      memory = malloc(size)
    }
    guard let memory else { fatalError("ByteBuffer: cannot allocate \(needed) bytes") }
    self.allocation = memory
    self.allocationSize = size
    self.isMapped = mapped
    self.pool = nil
    // A mapped buffer keeps its indexes in a separate small allocation: writing them into the
    // mapping would touch its first page, and an idle connection would hold 4 KiB per buffer.
    self.indexes =
      mapped ? UnsafeMutablePointer<Int>.allocate(capacity: 3) : memory.bindMemory(to: Int.self, capacity: 3)
    self.indexes.initialize(repeating: 0, count: 3)
    self.indexes[2] = Int(bitPattern: memory + ByteBuffer.headerSize)
    self.capacity = capacity
  }

  /// A buffer whose storage comes from `pool` (capacity `pool.capacity`), none until `attach()`.
  public init(pool: ByteBufferPool) {
    self.pool = pool
    capacity = pool.capacity
    allocation = nil
    allocationSize = 0
    isMapped = false
    indexes = UnsafeMutablePointer<Int>.allocate(capacity: 3)
    indexes.initialize(repeating: 0, count: 3)
  }

  deinit {
    if let pool {
      if indexes[2] != 0 { pool.give(UnsafeMutableRawPointer(bitPattern: indexes[2])!) }
      indexes.deallocate()
    } else if isMapped {
      indexes.deallocate()
      munmap(allocation, allocationSize)
    } else {
      free(allocation)
    }
  }

  /// The first byte of the storage (a pooled buffer must be attached).
  @inlinable public var base: UnsafeMutableRawPointer { UnsafeMutableRawPointer(bitPattern: indexes[2])! }

  /// Whether the buffer has storage (always, unless pooled and detached).
  @inlinable public var hasStorage: Bool { indexes[2] != 0 }

  /// Gives a pooled buffer storage if it has none (a no-op otherwise).
  @inlinable
  public func attach() {
    if indexes[2] == 0 { takeStorage() }
  }

  @usableFromInline func takeStorage() {
    guard pool != nil else { return }
    // The pool lent without a retain (this buffer holds it): a plain call retained and released it.
    indexes[2] = Int(bitPattern: Unmanaged.passUnretained(pool!)._withUnsafeGuaranteedRef { $0.take() })
  }

  /// Gives a pooled buffer's storage back to its pool; only while it holds no bytes (the indexes
  /// restart at 0). A no-op for a buffer that is not pooled or has no storage.
  public func detach() {
    guard pool != nil, indexes[2] != 0 else { return }
    precondition(readable == 0, "ByteBuffer.detach with bytes held")
    let storage = UnsafeMutableRawPointer(bitPattern: indexes[2])!
    Unmanaged.passUnretained(pool!)._withUnsafeGuaranteedRef { $0.give(storage) }
    indexes[0] = 0
    indexes[1] = 0
    indexes[2] = 0
  }

  /// The offset of the first unread byte.
  @inlinable public var readerIndex: Int {
    get { indexes[0] }
    set { indexes[0] = newValue }
  }

  /// The offset one past the last written byte.
  @inlinable public var writerIndex: Int {
    get { indexes[1] }
    set { indexes[1] = newValue }
  }

  /// Bytes written and not yet read.
  @inlinable public var readable: Int { indexes[1] - indexes[0] }
  /// Free space after `writerIndex`.
  @inlinable public var writable: Int { capacity - indexes[1] }
  @inlinable public var readPointer: UnsafeMutableRawPointer { base + indexes[0] }
  @inlinable public var writePointer: UnsafeMutableRawPointer { base + indexes[1] }

  /// Forgets all bytes.
  @inlinable
  public func clear() {
    indexes[0] = 0
    indexes[1] = 0
  }

  /// Moves the readable bytes to the start, so all free space is after them.
  public func compact() {
    let count = readable
    if count > 0 && indexes[0] > 0 {
      memmove(base, base + indexes[0], count)
    }
    indexes[0] = 0
    indexes[1] = count
  }

  /// One read into the writable space (which must not be empty); advances `writerIndex`.
  @inline(__always)
  public func read(from fd: Int32) -> IOStatus {
    let status = Posix.read(fd, writePointer, writable)
    if case .bytes(let count) = status { indexes[1] += count }
    return status
  }

  /// One write of the readable bytes (which must not be empty); advances `readerIndex`. The
  /// indexes are not reset when the buffer empties: offsets the caller holds stay meaningful.
  @inline(__always)
  public func write(to fd: Int32) -> IOStatus {
    let status = Posix.write(fd, readPointer, readable)
    if case .bytes(let count) = status { indexes[0] += count }
    return status
  }
}
