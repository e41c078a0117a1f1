/// The request fields an authenticator reads, copied out of the read buffer into ONE
/// allocation: a table of (start, count) per field, then the bytes. A request may wait for an
/// answer (a key fetch, a store reply) longer than its head stays in the buffer, so the fields
/// are copied — but once, not as a dozen arrays, each made and released per request
/// (docs/performance.md, "The request as the authenticator sees it"). Immutable.
public struct CopiedFields: Sendable {
  public enum Field: Int, CaseIterable, Sendable {
    case authorization, cookies, userAgent, host, origin, secFetchSite, contentType, accept
    case path, target, sessionCookie, csrfToken, forwardedProto
  }

  /// Table entry: start (UInt32, `absent` when the field was not sent) and count (UInt32).
  private static let entryBytes = 8
  private static let fieldCount = Field.forwardedProto.rawValue + 1
  private static let tableBytes = fieldCount * entryBytes
  private static let absent = UInt32.max

  private let storage: [UInt8]

  /// Every field absent.
  public init() { storage = [] }

  /// `write` names each present field (`begin`) and appends its bytes (`append`, possibly in
  /// pieces); it is called twice: once to size the allocation, once to fill it.
  public init(_ write: (inout Writer) -> Void) {
    var none: [UInt8] = []
    self.init(reusing: &none, write)
  }

  /// The same, written into `spare` (taken, left empty) when it is large enough: the storage
  /// the connection's previous request used (`spareStorage`), so a request in steady state
  /// allocates nothing for its fields (docs/performance.md, "Session L1 hit, round 6"). Storage
  /// something else still holds (a late answer's closure) is copied on write, never shared.
  public init(reusing spare: inout [UInt8], _ write: (inout Writer) -> Void) {
    var sizer = Writer(out: nil)
    write(&sizer)
    let total = Self.tableBytes + sizer.written
    var bytes: [UInt8]
    if spare.count >= total {
      bytes = spare
      spare = []
    } else {
      // Zero-filled (a specialised allocation; `unsafeUninitializedCapacity` is not specialised
      // across the module boundary).
      bytes = [UInt8](repeating: 0, count: total)
    }
    bytes.withUnsafeMutableBufferPointer { buffer in
      // The table: every field absent, no bytes yet; then the fields written.
      let table = UnsafeMutableRawBufferPointer(start: buffer.baseAddress, count: Self.tableBytes)
      for field in 0..<Self.fieldCount {
        table.storeBytes(of: Self.absent, toByteOffset: field * Self.entryBytes, as: UInt32.self)
        table.storeBytes(of: 0, toByteOffset: field * Self.entryBytes + 4, as: UInt32.self)
      }
      var writer = Writer(out: buffer)
      write(&writer)
    }
    storage = bytes
  }

  /// The storage, for the connection's next request (`init(reusing:_:)`); empty when it is
  /// larger than a request usually needs (an idle connection keeps it).
  public var spareStorage: [UInt8] { storage.count <= Self.spareLimit ? storage : [] }
  private static let spareLimit = 1024

  /// Writes the fields (or only counts their bytes when `out` is nil).
  public struct Writer {
    fileprivate let out: UnsafeMutableBufferPointer<UInt8>?
    fileprivate var written = 0
    private var current = -1

    fileprivate init(out: UnsafeMutableBufferPointer<UInt8>?) { self.out = out }

    // Always inlined: the writer runs twice, and on the sizing pass (`out` nil) these fold into
    // additions (called out of line they cost ~440 instructions per request).

    /// Starts `field` (present, maybe empty); the next `append`s are its bytes.
    @inline(__always)
    public mutating func begin(_ field: Field) {
      current = field.rawValue
      guard let out else { return }
      let table = UnsafeMutableRawBufferPointer(out)
      table.storeBytes(of: UInt32(written), toByteOffset: current * CopiedFields.entryBytes, as: UInt32.self)
    }

    @inline(__always)
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
      precondition(current >= 0, "append before begin")
      if let out, bytes.count > 0 {
        let target = UnsafeMutableRawBufferPointer(out).baseAddress! + CopiedFields.tableBytes + written
        target.copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
        let table = UnsafeMutableRawBufferPointer(out)
        let offset = current * CopiedFields.entryBytes + 4
        let count = table.load(fromByteOffset: offset, as: UInt32.self)
        table.storeBytes(of: count + UInt32(bytes.count), toByteOffset: offset, as: UInt32.self)
      }
      written += bytes.count
    }

    @inline(__always)
    public mutating func append(_ text: StaticString) {
      append(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// `field` with `bytes`, or absent when nil.
    @inline(__always)
    public mutating func set(_ field: Field, _ bytes: UnsafeRawBufferPointer?) {
      guard let bytes else { return }
      begin(field)
      append(bytes)
    }
  }

  /// The field's bytes, shared with the storage (no copy); nil when it was not sent.
  public func slice(_ field: Field) -> ArraySlice<UInt8>? {
    guard !storage.isEmpty else { return nil }
    let (start, count) = storage.withUnsafeBytes { raw in
      (
        raw.load(fromByteOffset: field.rawValue * Self.entryBytes, as: UInt32.self),
        raw.load(fromByteOffset: field.rawValue * Self.entryBytes + 4, as: UInt32.self)
      )
    }
    guard start != Self.absent else { return nil }
    let from = Self.tableBytes + Int(start)
    return storage[from..<(from + Int(count))]
  }

  /// A copy of the field's bytes (cold paths).
  public func bytes(_ field: Field) -> [UInt8]? { slice(field).map { Array($0) } }

  /// The field as text (invalid UTF-8 repaired).
  public func string(_ field: Field) -> String? { slice(field).map { String(decoding: $0, as: UTF8.self) } }
}
