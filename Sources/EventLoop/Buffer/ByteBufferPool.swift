import Glibc

/// The storage of a worker's client-connection buffers: equal-sized regions mapped with
/// `MAP_NORESERVE` (pages cost RSS only once touched), lent to a `ByteBuffer` while its
/// connection has bytes to hold and given back when it is idle, so an idle keep-alive connection
/// keeps no touched pages. Holds at most `limit` free regions; a region given back beyond that is
/// unmapped. In steady state a request takes and gives back a region from the free list: no
/// system call. Loop-thread only (one pool per worker).
public final class ByteBufferPool {
  /// Bytes of every region (the capacity of the buffers it serves).
  public let capacity: Int
  /// Most free regions kept.
  public let limit: Int
  private let regionSize: Int
  private var free: [UnsafeMutableRawPointer] = []
  /// Regions mapped and not unmapped (lent or free).
  public private(set) var mapped = 0

  public init(capacity: Int, limit: Int) {
    precondition(capacity > 0 && limit >= 0)
    let page = Int(sysconf(Int32(_SC_PAGESIZE)))
    self.capacity = capacity
    self.limit = limit
    regionSize = (capacity + page - 1) / page * page
  }

  deinit {
    for region in free { munmap(region, regionSize) }
  }

  /// Free regions held.
  public var freeCount: Int { free.count }

  /// A region of `capacity` bytes: a free one, or a new mapping.
  func take() -> UnsafeMutableRawPointer {
    if let region = free.popLast() { return region }
    let result = mmap(
      nil, regionSize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0)
    guard let result, result != MAP_FAILED else {
      fatalError("ByteBufferPool: cannot map \(regionSize) bytes")
    }
    mapped += 1
    return result
  }

  /// Takes `region` back (from `take`); unmaps it when `limit` regions are free already.
  func give(_ region: UnsafeMutableRawPointer) {
    if free.count < limit {
      free.append(region)
    } else {
      munmap(region, regionSize)
      mapped -= 1
    }
  }
}
