public import JWT

/// One response as a probe sees it: status, header fields in order, body, and whether the
/// server kept the connection open. Immutable.
public struct HTTPResponse: Sendable, Equatable {
  public let status: Int
  public let headers: [HTTPHeader]
  public let body: [UInt8]
  /// False when the response said `Connection: close` (or was delimited by the close).
  public let keepAlive: Bool

  public init(status: Int, headers: [HTTPHeader], body: [UInt8], keepAlive: Bool) {
    self.status = status
    self.headers = headers
    self.body = body
    self.keepAlive = keepAlive
  }

  /// The first field named `name` (ASCII case-insensitive).
  public func header(_ name: String) -> String? {
    headers.first { $0.name.lowercased() == name.lowercased() }?.value
  }

  /// Every field named `name`, in order.
  public func headers(named name: String) -> [String] {
    headers.filter { $0.name.lowercased() == name.lowercased() }.map(\.value)
  }

  public var bodyText: String { String(decoding: body, as: UTF8.self) }

  /// The `Set-Cookie` fields that set `name`.
  public func cookies(named name: String) -> [ResponseCookie] {
    headers(named: "Set-Cookie").compactMap(ResponseCookie.init(field:)).filter { $0.name == name }
  }

  /// "401 (Gatehouse: unauthenticated)" or "200": the status and, for Gatehouse's own JSON
  /// errors, the error code — evidence that says who answered.
  public var summary: String {
    guard let code = gatehouseError else { return "\(status)" }
    return "\(status) (Gatehouse: \(code))"
  }

  /// The `error` member of a Gatehouse JSON error body (`{"error": "...", "status": N, ...}`).
  public var gatehouseError: String? {
    guard header("Content-Type")?.hasPrefix("application/json") == true, let json else { return nil }
    guard json["request_id"] != nil, json["status"]?.int64Value == Int64(status) else { return nil }
    return json["error"]?.stringValue
  }

  /// The body as JSON, nil when it is not JSON.
  public var json: JSONValue? { try? JSONParser.parse(body) }
}

/// A header field as received (name case kept). Immutable.
public struct HTTPHeader: Sendable, Equatable {
  public let name: String
  public let value: String

  public init(_ name: String, _ value: String) {
    self.name = name
    self.value = value
  }
}
