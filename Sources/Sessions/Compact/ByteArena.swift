/// One shared home for many small byte strings (a store's entries, the L1's cached records)
/// instead of one heap array each: a block is a varint length and the bytes, rounded up to
/// 8-byte units, inside 256 KiB chunks; a block is named by a 32-bit `Ref` (chunk, unit). A
/// `[UInt8]` per entry costs a 32-byte header and the allocator's own ~16 bytes on top of the
/// bytes; a block costs its length's 1–3 bytes and at most 7 bytes of rounding
/// (docs/performance.md "Memory").
///
/// Removed blocks go on a free list per size (in units) and are reused by the next block of that
/// size; the rest of a chunk too small for a block goes on its size's list too. Blocks larger
/// than a chunk get a chunk of their own, returned whole when removed. When more than half of the
/// units handed out are free (after some use), `wantsCompaction` says so: the owner copies its
/// live blocks into a fresh arena (`move(_:to:)`) and drops this one, so a shifting mix of sizes
/// cannot leave memory stranded in the lists.
///
/// Not thread-safe; its owner's lock guards it. A class only to free its chunks once.
final class ByteArena {
  typealias Ref = UInt32
  static let none: Ref = .max

  static let unitByteCount = 8
  private static let unitShift = 15
  /// Units per regular chunk (256 KiB).
  static let chunkUnits = 1 << unitShift
  private static let unitMask = UInt32(chunkUnits - 1)

  private struct Chunk {
    var base: UnsafeMutableRawPointer?
    /// Units: `chunkUnits` for a regular chunk, more for a block of its own.
    var units: Int
  }

  private var chunks: [Chunk] = []
  /// Chunk slots returned by removed large blocks.
  private var freeChunks: [Int] = []
  /// The regular chunk blocks are cut from, and its first unused unit.
  private var current = -1
  private var next = 0
  /// Per size in units, the first free block (its first 4 bytes link to the next); `none` ends.
  private var freeLists: [Ref] = []
  /// Units of blocks in use, and of blocks on the free lists.
  private(set) var liveUnits = 0
  private(set) var freeUnits = 0

  init() {}

  deinit {
    for chunk in chunks { chunk.base?.deallocate() }
  }

  /// Bytes taken from the allocator for chunks.
  var reservedByteCount: Int {
    chunks.reduce(0) { $0 + ($1.base == nil ? 0 : $1.units) } * Self.unitByteCount
  }

  /// Whether the owner should move its blocks into a fresh arena: more than half of the units
  /// handed out are free, and at least a chunk's worth.
  var wantsCompaction: Bool { freeUnits > liveUnits && freeUnits >= Self.chunkUnits }

  /// Copies `bytes` into a new block.
  func store(_ bytes: UnsafeRawBufferPointer) -> Ref {
    let header = Self.varintByteCount(bytes.count)
    let units = (header + bytes.count + Self.unitByteCount - 1) / Self.unitByteCount
    let ref = take(units)
    let p = address(ref)
    Self.writeVarint(bytes.count, at: p)
    if let base = bytes.baseAddress, bytes.count > 0 {
      (p + header).copyMemory(from: base, byteCount: bytes.count)
    }
    return ref
  }

  func store(_ bytes: [UInt8]) -> Ref { bytes.withUnsafeBytes { store($0) } }

  /// The block's bytes, for the duration of `body`.
  func withBytes<R>(_ ref: Ref, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
    let p = address(ref)
    let (count, header) = Self.readVarint(at: p)
    return try body(UnsafeRawBufferPointer(start: p + header, count: count))
  }

  func bytes(_ ref: Ref) -> [UInt8] { withBytes(ref) { Array($0) } }

  /// The block's byte count.
  func count(_ ref: Ref) -> Int { Self.readVarint(at: address(ref)).value }

  /// Frees the block; `ref` must not be used again.
  func remove(_ ref: Ref) {
    let chunk = Int(ref >> UInt32(Self.unitShift))
    let units = unitsOf(ref)
    liveUnits -= units
    if chunks[chunk].units > Self.chunkUnits {
      chunks[chunk].base?.deallocate()
      chunks[chunk] = Chunk(base: nil, units: 0)
      freeChunks.append(chunk)
      return
    }
    pushFree(ref, units: units)
  }

  /// Copies block `ref` into `arena` (the owner's compaction); answers its new name there.
  func move(_ ref: Ref, to arena: ByteArena) -> Ref { withBytes(ref) { arena.store($0) } }

  // MARK: Blocks

  private func unitsOf(_ ref: Ref) -> Int {
    let p = address(ref)
    let (count, header) = Self.readVarint(at: p)
    return (header + count + Self.unitByteCount - 1) / Self.unitByteCount
  }

  private func address(_ ref: Ref) -> UnsafeMutableRawPointer {
    let chunk = Int(ref >> UInt32(Self.unitShift))
    let unit = Int(ref & Self.unitMask)
    return chunks[chunk].base! + unit * Self.unitByteCount
  }

  private func take(_ units: Int) -> Ref {
    liveUnits += units
    if units > Self.chunkUnits { return Self.ref(chunk: newChunk(units: units), unit: 0) }
    if units < freeLists.count && freeLists[units] != Self.none {
      let ref = freeLists[units]
      freeLists[units] = address(ref).loadUnaligned(as: Ref.self)
      freeUnits -= units
      return ref
    }
    if current < 0 || next + units > Self.chunkUnits {
      if current >= 0 && next < Self.chunkUnits {
        pushFree(Self.ref(chunk: current, unit: next), units: Self.chunkUnits - next)
      }
      current = newChunk(units: Self.chunkUnits)
      next = 0
    }
    let ref = Self.ref(chunk: current, unit: next)
    next += units
    return ref
  }

  /// Puts a block of `units` on its free list: its first 4 bytes become the list's link (the
  /// length is written again when the block is reused).
  private func pushFree(_ ref: Ref, units: Int) {
    if units >= freeLists.count {
      freeLists.append(contentsOf: repeatElement(Self.none, count: units + 1 - freeLists.count))
    }
    address(ref).storeBytes(of: freeLists[units], as: Ref.self)
    freeLists[units] = ref
    freeUnits += units
  }

  private func newChunk(units: Int) -> Int {
    let base = UnsafeMutableRawPointer.allocate(byteCount: units * Self.unitByteCount, alignment: 16)
    if let reused = freeChunks.popLast() {
      chunks[reused] = Chunk(base: base, units: units)
      return reused
    }
    chunks.append(Chunk(base: base, units: units))
    precondition(chunks.count <= 1 << (32 - Self.unitShift), "byte arena is full")
    return chunks.count - 1
  }

  private static func ref(chunk: Int, unit: Int) -> Ref { UInt32(chunk) << UInt32(unitShift) | UInt32(unit) }

  // MARK: Lengths (LEB128)

  static func varintByteCount(_ v: Int) -> Int {
    var n = 1
    var v = v >> 7
    while v > 0 {
      n += 1
      v >>= 7
    }
    return n
  }

  private static func writeVarint(_ v: Int, at p: UnsafeMutableRawPointer) {
    var v = UInt(v)
    var i = 0
    while v >= 0x80 {
      p.storeBytes(of: UInt8(truncatingIfNeeded: v) | 0x80, toByteOffset: i, as: UInt8.self)
      v >>= 7
      i += 1
    }
    p.storeBytes(of: UInt8(v), toByteOffset: i, as: UInt8.self)
  }

  private static func readVarint(at p: UnsafeMutableRawPointer) -> (value: Int, byteCount: Int) {
    var v = 0
    var shift = 0
    var i = 0
    while true {
      let b = p.load(fromByteOffset: i, as: UInt8.self)
      v |= Int(b & 0x7F) << shift
      i += 1
      if b & 0x80 == 0 { return (v, i) }
      shift += 7
    }
  }
}
