extension Substring {
  /// Without leading and trailing optional whitespace (SP, HTAB: RFC 9110 OWS).
  func trimmingOWS() -> Substring {
    var s = self
    while s.first == " " || s.first == "\t" { s = s.dropFirst() }
    while s.last == " " || s.last == "\t" { s = s.dropLast() }
    return s
  }
}
