/// Comparisons of field names as bytes. Immutable (static functions only).
public enum FieldName {
  /// ASCII case-insensitive comparison of `name` with `lowercase`, which must be a lowercase literal.
  @inline(__always)
  public static func equals(_ name: UnsafeRawBufferPointer, _ lowercase: StaticString) -> Bool {
    ASCII.equalsLower(name, 0, name.count, lowercase)
  }
}
