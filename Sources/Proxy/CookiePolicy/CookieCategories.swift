import Config

/// A set of consent categories, one bit each (`essential` is bit 0 and always in a consent).
/// Small enough to keep per request and to index the `X-Cookie-Consent` values by. Immutable.
struct CookieCategories: OptionSet, Sendable, Hashable {
  let rawValue: UInt8
  init(rawValue: UInt8) { self.rawValue = rawValue }

  static let essential = CookieCategories(rawValue: 1)
  static let functional = CookieCategories(rawValue: 2)
  static let analytics = CookieCategories(rawValue: 4)
  static let marketing = CookieCategories(rawValue: 8)
  static let all: CookieCategories = [.essential, .functional, .analytics, .marketing]
  /// The combinations there are (the index space of `rawValue`).
  static let combinations = 16

  init(_ category: CookiePolicySettings.Category) {
    switch category {
    case .essential: self = .essential
    case .functional: self = .functional
    case .analytics: self = .analytics
    case .marketing: self = .marketing
    }
  }

  /// The categories in their canonical order (`CookiePolicySettings.Category.allCases`).
  var categories: [CookiePolicySettings.Category] {
    CookiePolicySettings.Category.allCases.filter { contains(CookieCategories($0)) }
  }

  /// "functional, analytics": the canonical list, as `X-Cookie-Consent` and `Gatehouse-Consent` write it.
  var listText: String { categories.map(\.rawValue).joined(separator: ", ") }

  /// A comma-separated list of category names (`Gatehouse-Consent: analytics, functional`);
  /// empty items and surrounding whitespace are ignored; nil when a name is not a category.
  static func parseList(_ text: Substring) -> CookieCategories? {
    var set: CookieCategories = [.essential]
    for item in text.split(separator: ",", omittingEmptySubsequences: false) {
      let name = item.trimmingOWS()
      if name.isEmpty { continue }
      guard let category = CookiePolicySettings.Category(rawValue: String(name)) else { return nil }
      set.insert(CookieCategories(category))
    }
    return set
  }
}
