import Codecs
import Config
import Crypto
import JWT

/// The visitor's cookie consent, as the consent cookie carries it: base64url of the JSON
/// `{"v":<consent_version>,"t":<unix seconds>,"c":["functional","analytics"]}` (essential is
/// implied and not written). Pure codec: the caller passes the version and the time; a record of
/// another version, from the future or older than `lifetime` reads as no consent, so a
/// `consent_version` bump asks again (docs/cookies.md). Immutable.
struct ConsentRecord: Sendable, Equatable {
  /// One year: the cookie's `Max-Age`, and the oldest record still believed.
  static let lifetime: Int64 = 365 * 24 * 3600
  /// Clock skew allowed between replicas for a record's time.
  static let futureSkew: Int64 = 300
  /// Longest cookie value read (a full record is under 100 bytes).
  static let maxEncodedBytes = 512

  let version: Int
  /// When the choice was made, seconds since the Unix epoch.
  let time: Int64
  /// Always contains `.essential`.
  let categories: CookieCategories

  init(version: Int, time: Int64, categories: CookieCategories) {
    self.version = version
    self.time = time
    self.categories = categories.union(.essential)
  }

  /// The consent cookie's value.
  func encoded() -> String {
    var json: [UInt8] = []
    json += Array("{\"v\":\(version),\"t\":\(time),\"c\":[".utf8)
    var first = true
    for category in categories.categories where category != .essential {
      if !first { json.append(UInt8(ascii: ",")) }
      first = false
      JSONString.append(category.rawValue, to: &json)
    }
    json += Array("]}".utf8)
    return Base64URL.encode(json)
  }

  /// The record in a consent cookie value, or nil when it is malformed, of another version, from
  /// the future or expired.
  static func decode(_ value: UnsafeBufferPointer<UInt8>, version: Int, now: Int64) -> ConsentRecord? {
    guard value.count <= maxEncodedBytes, let json = Base64URL.decode(value),
      case .object(let members)? = try? JSONParser.parse(json, maxDepth: 3),
      members.count == 3,
      let v = members["v"]?.int64Value, v == Int64(version),
      let t = members["t"]?.int64Value, t <= now + futureSkew, now - t < lifetime,
      case .array(let names)? = members["c"]
    else { return nil }
    var categories: CookieCategories = .essential
    for name in names {
      guard let text = name.stringValue, let category = CookiePolicySettings.Category(rawValue: text) else {
        return nil
      }
      categories.insert(CookieCategories(category))
    }
    return ConsentRecord(version: version, time: t, categories: categories)
  }

  static func decode(_ value: String, version: Int, now: Int64) -> ConsentRecord? {
    var value = value
    return value.withUTF8 { decode($0, version: version, now: now) }
  }
}
