/// One complete request as the echo upstream received it. Immutable.
struct RecordedRequest: Sendable, CustomStringConvertible {
  let method: String
  let target: String
  let version: String
  /// Fields in wire order with their original case.
  let headers: [HeaderField]
  /// The body, de-chunked when it came chunked.
  let body: [UInt8]
  /// Which upstream connection carried it (1 = first accepted).
  let connectionID: Int

  var description: String {
    "\(method) \(target) \(version) conn#\(connectionID) \(headers) body(\(body.count))"
  }
}
