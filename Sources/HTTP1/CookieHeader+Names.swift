extension CookieHeader {
  /// Calls `body` with the bounds of every cookie name in `field` (a `Cookie` field value), in
  /// order, repeats included; segments without `=` name no cookie and are skipped. No allocation.
  public static func forEachName(in field: UnsafeBufferPointer<UInt8>, _ body: (Range<Int>) -> Void) {
    var index = 0
    while index < field.count {
      let pair = nextPair(field, from: index)
      index = pair.next
      guard let nameEnd = pair.nameEnd, nameEnd > pair.nameStart else { continue }
      body(pair.nameStart..<nameEnd)
    }
  }
}
