public import Config
import HTTP1

/// The hot-path form of the strict choices that are configurable (docs/security.md): refused
/// methods, method overrides, the cookies the app may not set, the `Cache-Control` added to
/// authenticated responses, the request-body deadline. Part of `RuntimeConfig`. A class so that
/// reading it on the request path costs one reference, not a copy of every field. Immutable.
public final class HardeningRules: Sendable {
  /// `[limits] refused_methods`, as bytes (methods compare exactly).
  let refusedMethods: [[UInt8]]
  /// Bit `n` set: a refused method has `n` bytes (a cheap "surely not" for every request).
  let refusedMethodLengths: UInt64
  /// `[headers] method_override_headers`.
  let methodOverrideMatcher: FieldNameMatcher
  /// Bit `n` set: an override pattern may match a name of `n` bytes (all bits for a prefix).
  let methodOverrideLengths: UInt64
  /// `[headers] strip_method_override`: the app never receives the override headers.
  let stripMethodOverride: Bool
  /// `[headers] method_override_params`, as bytes.
  let methodOverrideParams: [[UInt8]]
  /// Every cookie name Gatehouse owns (`GatehouseConfig.ownedCookieNames`).
  let ownedCookies: CookieNameSet
  let hasOwnedCookies: Bool
  /// `[headers] authenticated_cache_control`; nil when "" (off).
  let authenticatedCacheControl: String?
  /// `[limits] body_timeout` (ns) and `body_min_rate` (bytes per second).
  let bodyTimeout: UInt64
  let bodyMinRate: Int

  public init(
    refusedMethods: [String] = LimitSettings.defaultRefusedMethods,
    methodOverrideHeaders: [String] = HeaderSettings.defaultMethodOverrideHeaders,
    stripMethodOverride: Bool = true, methodOverrideParams: [String] = ["_method"],
    ownedCookies: [String] = [], authenticatedCacheControl: String = "private, no-store",
    bodyTimeout: UInt64 = 20_000_000_000, bodyMinRate: Int = 500
  ) {
    self.refusedMethods = refusedMethods.map { Array($0.utf8) }
    self.refusedMethodLengths = HardeningRules.lengthMask(refusedMethods)
    self.methodOverrideMatcher = FieldNameMatcher(patterns: methodOverrideHeaders)
    self.methodOverrideLengths = HardeningRules.lengthMask(methodOverrideHeaders)
    self.stripMethodOverride = stripMethodOverride
    self.methodOverrideParams = methodOverrideParams.map { Array($0.utf8) }
    self.ownedCookies = CookieNameSet(ownedCookies)
    self.hasOwnedCookies = !self.ownedCookies.isEmpty
    self.authenticatedCacheControl = authenticatedCacheControl.isEmpty ? nil : authenticatedCacheControl
    self.bodyTimeout = bodyTimeout
    self.bodyMinRate = bodyMinRate
  }

  public convenience init(config: GatehouseConfig) {
    self.init(
      refusedMethods: config.limits.refusedMethods,
      methodOverrideHeaders: config.headers.methodOverrideHeaders,
      stripMethodOverride: config.headers.stripMethodOverride,
      methodOverrideParams: config.headers.methodOverrideParams,
      ownedCookies: config.ownedCookieNames,
      authenticatedCacheControl: config.headers.authenticatedCacheControl,
      bodyTimeout: config.limits.bodyTimeout.nanoseconds, bodyMinRate: config.limits.bodyMinRate)
  }

  /// Whether `method` (the request line's bytes) is refused.
  @inline(__always)
  func refuses(method: UnsafeRawBufferPointer) -> Bool {
    guard HardeningRules.mayMatch(refusedMethodLengths, method.count) else { return false }
    for refused in refusedMethods where refused.count == method.count {
      if refused.withUnsafeBytes({ $0.elementsEqual(method) }) { return true }
    }
    return false
  }

  /// Whether `name` is a method-override header (the length check first: most fields are not).
  @inline(__always)
  func isMethodOverride(_ name: UnsafeRawBufferPointer) -> Bool {
    HardeningRules.mayMatch(methodOverrideLengths, name.count) && methodOverrideMatcher.matches(name)
  }

  @inline(__always)
  static func mayMatch(_ mask: UInt64, _ length: Int) -> Bool {
    length < 63 ? mask & (1 << UInt64(length)) != 0 : mask & (1 << 63) != 0
  }

  /// One bit per pattern length (63 stands for every length from 63 on); a `*` prefix pattern
  /// may match any length from its own, so it sets those bits too.
  static func lengthMask(_ patterns: [String]) -> UInt64 {
    var mask: UInt64 = 0
    for pattern in patterns {
      let isPrefix = pattern.hasSuffix("*")
      let length = pattern.utf8.count - (isPrefix ? 1 : 0)
      let first = min(length, 63)
      mask |= isPrefix ? ~((1 << UInt64(first)) &- 1) : 1 << UInt64(first)
    }
    return mask
  }
}
