import XCTest

@testable import Sessions

/// `ByteArena`: blocks of every size come back byte for byte, a removed block's space is reused
/// by the next block of its size, large blocks get chunks of their own, and compaction moves
/// live blocks into a fresh arena.
final class ByteArenaTests: XCTestCase {
  func pattern(_ count: Int, seed: Int) -> [UInt8] {
    (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ seed) }
  }

  func testBlocksOfEverySizeComeBackByteForByte() {
    let arena = ByteArena()
    let chunkBytes = ByteArena.chunkUnits * ByteArena.unitByteCount
    let sizes =
      Array(0...700) + [
        127, 128, 16_383, 16_384, chunkBytes - 3, chunkBytes - 2, chunkBytes, 3 * chunkBytes + 5,
      ]
    let refs = sizes.enumerated().map { i, size in arena.store(pattern(size, seed: i)) }
    for (i, (size, ref)) in zip(sizes, refs).enumerated() {
      XCTAssertEqual(arena.count(ref), size, "size \(size)")
      XCTAssertEqual(arena.bytes(ref), pattern(size, seed: i), "size \(size): bytes")
    }
    XCTAssertEqual(Set(refs).count, refs.count, "every block has its own name")
    for ref in refs { arena.remove(ref) }
    XCTAssertEqual(arena.liveUnits, 0)
  }

  func testRemovedBlockIsReusedByTheNextOfItsSize() {
    let arena = ByteArena()
    let a = arena.store(pattern(100, seed: 1))
    let b = arena.store(pattern(100, seed: 2))
    let reserved = arena.reservedByteCount
    arena.remove(a)
    let c = arena.store(pattern(101, seed: 3))
    XCTAssertEqual(c, a, "same units (101 + 1 length byte round to the same 13 units)")
    XCTAssertEqual(arena.bytes(c), pattern(101, seed: 3))
    XCTAssertEqual(arena.bytes(b), pattern(100, seed: 2), "the neighbour is untouched")
    arena.remove(c)
    let d = arena.store(pattern(300, seed: 4))
    XCTAssertNotEqual(d, a, "a block of another size does not take it")
    XCTAssertEqual(arena.reservedByteCount, reserved, "no new chunk for either")
  }

  func testALargeBlocksChunkIsGivenBackWhole() {
    let arena = ByteArena()
    let small = arena.store(pattern(10, seed: 0))
    let before = arena.reservedByteCount
    let large = arena.store(pattern(2 * ByteArena.chunkUnits * ByteArena.unitByteCount, seed: 1))
    XCTAssertGreaterThan(arena.reservedByteCount, before)
    arena.remove(large)
    XCTAssertEqual(arena.reservedByteCount, before)
    XCTAssertEqual(arena.bytes(small), pattern(10, seed: 0))
    let again = arena.store(pattern(ByteArena.chunkUnits * ByteArena.unitByteCount, seed: 2))
    XCTAssertEqual(arena.bytes(again), pattern(ByteArena.chunkUnits * ByteArena.unitByteCount, seed: 2))
  }

  func testCompactionMovesLiveBlocksIntoAFreshArena() {
    let arena = ByteArena()
    var refs = (0..<20_000).map { arena.store(pattern(40 + $0 % 50, seed: $0)) }
    XCTAssertFalse(arena.wantsCompaction)
    for i in refs.indices where i % 10 != 0 { arena.remove(refs[i]) }
    XCTAssertTrue(arena.wantsCompaction, "nine tenths free")
    let fresh = ByteArena()
    for i in refs.indices where i % 10 == 0 { refs[i] = arena.move(refs[i], to: fresh) }
    for i in refs.indices where i % 10 == 0 {
      XCTAssertEqual(fresh.bytes(refs[i]), pattern(40 + i % 50, seed: i))
    }
    XCTAssertLessThan(
      fresh.reservedByteCount * 4, arena.reservedByteCount, "a tenth of the blocks, a tenth of the chunks")
    XCTAssertFalse(fresh.wantsCompaction)
  }
}
