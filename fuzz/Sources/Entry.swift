import Glibc

// libFuzzer's entry points. The target is chosen once, from GATEHOUSE_FUZZ_TARGET (one binary,
// one sanitizer build for every target; scripts/fuzz.sh sets it). getenv is the only libc call.

nonisolated(unsafe) private var selected: FuzzTarget?

@_cdecl("LLVMFuzzerInitialize")
public func fuzzerInitialize(
  _ argc: UnsafeMutablePointer<CInt>,
  _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>
) -> CInt {
  guard let raw = getenv("GATEHOUSE_FUZZ_TARGET"), let target = FuzzTarget(rawValue: String(cString: raw))
  else {
    let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
    FuzzCheck.fail("set GATEHOUSE_FUZZ_TARGET to one of: \(names)")
  }
  selected = target
  return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  guard let target = selected else { FuzzCheck.fail("LLVMFuzzerInitialize did not run") }
  target.run(UnsafeRawBufferPointer(start: data, count: size))
  return 0
}
