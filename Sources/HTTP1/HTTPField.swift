/// One field line of a head, as offsets into the buffer that was given to the parser. Immutable value.
///
/// Offsets rather than slices: the head is parsed in place in the connection's read buffer and no
/// field costs an allocation. `value` has leading and trailing OWS removed.
public struct HTTPField: Sendable, Equatable {
  public var nameStart: Int32
  public var nameLength: Int32
  public var valueStart: Int32
  public var valueLength: Int32
  public var flags: FieldFlags

  public init(nameStart: Int32, nameLength: Int32, valueStart: Int32, valueLength: Int32, flags: FieldFlags) {
    self.nameStart = nameStart
    self.nameLength = nameLength
    self.valueStart = valueStart
    self.valueLength = valueLength
    self.flags = flags
  }

  /// The name bytes inside `buffer` (the buffer given to the parser).
  @inlinable
  public func name(in buffer: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
    UnsafeRawBufferPointer(rebasing: buffer[Int(nameStart)..<Int(nameStart + nameLength)])
  }

  /// The value bytes inside `buffer` (the buffer given to the parser), OWS trimmed.
  @inlinable
  public func value(in buffer: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
    UnsafeRawBufferPointer(rebasing: buffer[Int(valueStart)..<Int(valueStart + valueLength)])
  }
}
