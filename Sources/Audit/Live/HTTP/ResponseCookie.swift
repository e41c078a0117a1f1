/// One `Set-Cookie` field, parsed the way a browser reads it (RFC 6265 §5.2): the name and value
/// before the first `;`, then attributes whose names are compared case-insensitively. Immutable.
public struct ResponseCookie: Sendable, Equatable {
  public let name: String
  public let value: String
  /// Attribute names lower-cased → value ("" for flags such as `secure`).
  public let attributes: [String: String]

  public init?(field: String) {
    let parts = field.split(separator: ";", omittingEmptySubsequences: false)
    guard let pair = parts.first, let equals = pair.firstIndex(of: "=") else { return nil }
    let name = Self.trimmed(pair[..<equals])
    guard !name.isEmpty else { return nil }
    self.name = name
    value = Self.trimmed(pair[pair.index(after: equals)...])
    var attributes: [String: String] = [:]
    for part in parts.dropFirst() {
      let pieces = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
      let key = Self.trimmed(pieces[0]).lowercased()
      guard !key.isEmpty else { continue }
      attributes[key] = pieces.count > 1 ? Self.trimmed(pieces[1]) : ""
    }
    self.attributes = attributes
  }

  /// True for a cookie that tells the browser to drop it: `Max-Age` ≤ 0, or an empty value with
  /// an `Expires` (Gatehouse's deletion cookie has both).
  public var isDeletion: Bool {
    if let maxAge = attributes["max-age"], let seconds = Int(maxAge), seconds <= 0 { return true }
    return value.isEmpty && attributes["expires"] != nil
  }

  private static func trimmed(_ text: Substring) -> String {
    String(text.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
  }
}
