/// The strip decision for a field.
enum FieldDisposition: Equatable {
  /// Sent to the app as received (subject to hop-by-hop rules and auth grants).
  case forward
  /// Gatehouse writes its own value instead.
  case replace
  /// Never sent to the app, but readable by authentication (the CSRF header).
  case dropReadable
  /// Never sent to the app, invisible to every later phase.
  case drop
}
