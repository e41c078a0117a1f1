import HTTP1

/// The request's header fields, indexed in one pass by `StripPhase`: each field's `FieldRole`
/// (one byte per field), the position of every field a phase reads, and the first of each kind
/// that may repeat (the rest are found through the roles). Phases read fields through the index
/// and never compare field names themselves. Positions index `RequestHead.fields`; -1 means
/// absent. Loop-thread only.
struct HeaderIndex {
  /// `role(at: i)` for `i < count`. The storage grows to the largest head seen and is
  /// overwritten, never shrunk or freed, from one request to the next.
  private var storage: [FieldRole] = []
  /// How many fields the index describes.
  private(set) var count = 0

  /// The last `Authorization` and how many were sent (more than one is no credential).
  private(set) var authorization = -1
  private(set) var authorizationCount = 0
  /// Single-valued fields: the last one sent.
  private(set) var host = -1
  private(set) var userAgent = -1
  private(set) var origin = -1
  private(set) var secFetchSite = -1
  private(set) var contentType = -1
  private(set) var csrfToken = -1
  /// `X-Forwarded-Proto` and `-Host`: the first one sent.
  private(set) var forwardedProto = -1
  private(set) var forwardedHost = -1
  /// Fields that may repeat: the first one (the others have the same role further on).
  private(set) var firstCookie = -1
  private(set) var firstAccept = -1
  private(set) var firstForwardedFor = -1
  private(set) var firstTraceparent = -1
  private(set) var firstRequestID = -1
  /// The first method-override header (either role).
  private(set) var firstMethodOverride = -1
  /// Fields the strip list removes from the request the app receives.
  private(set) var strippedCount = 0

  /// The role of field `index`.
  @inline(__always)
  func role(at index: Int) -> FieldRole { storage[index] }

  /// The roles of the fields, in order.
  var roles: ArraySlice<FieldRole> { storage[0..<count] }

  /// The roles' storage, taken out to be reused (`reuse(_:)`); the index is left empty.
  mutating func takeStorage() -> [FieldRole] {
    var taken: [FieldRole] = []
    swap(&taken, &storage)
    count = 0
    return taken
  }

  /// Reuses `storage` (from `takeStorage`) for the roles of an empty index.
  mutating func reuse(_ taken: consuming [FieldRole]) {
    storage = taken
  }

  /// Forgets the previous request, keeping the roles' storage.
  mutating func reset() {
    count = 0
    authorization = -1
    authorizationCount = 0
    host = -1
    userAgent = -1
    origin = -1
    secFetchSite = -1
    contentType = -1
    csrfToken = -1
    forwardedProto = -1
    forwardedHost = -1
    firstCookie = -1
    firstAccept = -1
    firstForwardedFor = -1
    firstTraceparent = -1
    firstRequestID = -1
    firstMethodOverride = -1
    strippedCount = 0
  }

  /// Classifies every field of `head` (whose offsets point into `bytes`). Fields Gatehouse
  /// replaces are recognised before the strip list (a strip pattern cannot hide the client's
  /// `X-Forwarded-For` from the trusted-proxy logic); the CSRF header before it too (it must stay
  /// readable); then the strip list; then the fields the phases read. The head is read in place
  /// (a copy of `RequestHead` retains and releases its field list).
  mutating func build(
    _ head: UnsafePointer<RequestHead>, in bytes: UnsafeRawBufferPointer, rules: RuntimeConfig
  ) {
    reset()
    let total = head.pointee.fields.count
    if storage.count < total {
      storage.append(contentsOf: repeatElement(FieldRole.other, count: total - storage.count))
    }
    let sessions = rules.sessionCookieName != nil
    let hostIndex = head.pointee.hostIndex
    var stripped = 0
    head.pointee.fields.withUnsafeBufferPointer { fields in
      storage.withUnsafeMutableBufferPointer { roles in
        for index in 0..<total {
          let field = fields[index]
          var role = FieldRole.other
          if field.flags.isDisjoint(with: [.hopByHop, .contentLength]) {
            role = HeaderIndex.classify(field.name(in: bytes), rules: rules, sessions: sessions)
            if role.disposition == .drop || role == .csrfToken,
              field.flags.isDisjoint(with: .nominatedByConnection)
            {
              stripped += 1
            }
            if role == .other && index == hostIndex { role = .host }
          }
          roles[index] = role
        }
      }
    }
    count = total
    strippedCount = stripped
    for index in 0..<total { record(storage[index], at: index) }
  }

  private mutating func record(_ role: FieldRole, at index: Int) {
    switch role {
    case .authorization:
      authorization = index
      authorizationCount += 1
    case .userAgent: userAgent = index
    case .origin: origin = index
    case .secFetchSite: secFetchSite = index
    case .contentType: contentType = index
    case .csrfToken: csrfToken = index
    case .forwardedProto: if forwardedProto < 0 { forwardedProto = index }
    case .forwardedHost: if forwardedHost < 0 { forwardedHost = index }
    case .cookie: if firstCookie < 0 { firstCookie = index }
    case .accept: if firstAccept < 0 { firstAccept = index }
    case .forwardedFor: if firstForwardedFor < 0 { firstForwardedFor = index }
    case .traceparent: if firstTraceparent < 0 { firstTraceparent = index }
    case .requestID: if firstRequestID < 0 { firstRequestID = index }
    case .host: host = index
    case .methodOverride, .methodOverrideStripped: if firstMethodOverride < 0 { firstMethodOverride = index }
    case .other, .tracestate, .stripped: break
    }
  }

  /// One field name's role. Names are compared by length and first letter, then as bytes.
  static func classify(_ name: UnsafeRawBufferPointer, rules: RuntimeConfig, sessions: Bool) -> FieldRole {
    let first = name.count > 0 ? name[0] | 0x20 : 0
    switch (name.count, first) {
    case (10, UInt8(ascii: "t")) where FieldName.equals(name, "tracestate"): return .tracestate
    case (11, UInt8(ascii: "t")) where FieldName.equals(name, "traceparent"): return .traceparent
    case (15, UInt8(ascii: "x")) where FieldName.equals(name, "x-forwarded-for"): return .forwardedFor
    case (16, UInt8(ascii: "x")) where FieldName.equals(name, "x-forwarded-host"): return .forwardedHost
    case (17, UInt8(ascii: "x")) where FieldName.equals(name, "x-forwarded-proto"): return .forwardedProto
    default: break
    }
    // The configured patterns see the same bytes every request; its role was worked out once.
    if isAuthorization(name) { return rules.authorizationRole }
    return configuredRole(
      name, requestID: rules.requestIDMatcher, csrf: rules.csrfHeaderMatcher, checksCSRF: sessions,
      hardening: rules.hardening, strip: rules.stripMatcher)
  }

  /// The role of a name that is not one of the fields Gatehouse replaces: the configured
  /// patterns (request id, CSRF header when `checksCSRF`, method overrides, the strip list),
  /// then the fields the phases read. `RuntimeConfig.authorizationRole` is this for
  /// `Authorization`.
  @inline(__always)
  static func configuredRole(
    _ name: UnsafeRawBufferPointer, requestID: FieldNameMatcher, csrf: FieldNameMatcher, checksCSRF: Bool,
    hardening: HardeningRules, strip: FieldNameMatcher
  ) -> FieldRole {
    if requestID.matches(name) { return .requestID }
    // A flag, not an optional matcher: making `FieldNameMatcher?` from the runtime's matcher
    // copied it (its arrays retained and released) for every field of a session request.
    if checksCSRF && csrf.matches(name) { return .csrfToken }
    if hardening.isMethodOverride(name) {
      return hardening.stripMethodOverride ? .methodOverrideStripped : .methodOverride
    }
    if strip.matches(name) { return .stripped }
    let first = name.count > 0 ? name[0] | 0x20 : 0
    switch (name.count, first) {
    case (6, UInt8(ascii: "c")) where FieldName.equals(name, "cookie"): return .cookie
    case (6, UInt8(ascii: "a")) where FieldName.equals(name, "accept"): return .accept
    case (6, UInt8(ascii: "o")) where FieldName.equals(name, "origin"): return .origin
    case (10, UInt8(ascii: "u")) where FieldName.equals(name, "user-agent"): return .userAgent
    case (12, UInt8(ascii: "c")) where FieldName.equals(name, "content-type"): return .contentType
    case (13, UInt8(ascii: "a")) where FieldName.equals(name, "authorization"): return .authorization
    case (14, UInt8(ascii: "s")) where FieldName.equals(name, "sec-fetch-site"): return .secFetchSite
    default: return .other
    }
  }

  /// `Authorization` in any letter case, two word compares. Every byte of the name is a letter,
  /// so OR-ing 0x20 into a byte matches the lowercase letter exactly when the byte is that letter
  /// in either case (the two loads overlap in bytes 5–7).
  @inline(__always)
  static func isAuthorization(_ name: UnsafeRawBufferPointer) -> Bool {
    guard name.count == 13, let base = name.baseAddress else { return false }
    let lower: UInt64 = 0x2020_2020_2020_2020
    let head = base.loadUnaligned(as: UInt64.self) | lower
    let tail = base.loadUnaligned(fromByteOffset: 5, as: UInt64.self) | lower
    // "authoriz" and "rization", little-endian.
    return head == UInt64(littleEndian: 0x7A69_726F_6874_7561)
      && tail == UInt64(littleEndian: 0x6E6F_6974_617A_6972)
  }

  // MARK: Reading

  /// The value of the field at `index` (-1: nil).
  @inline(__always)
  func value(_ index: Int, _ head: RequestHead, _ bytes: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer? {
    index >= 0 ? head.fields[index].value(in: bytes) : nil
  }

  /// A copy of the field at `index` (-1: nil), for a request that may outlive the read buffer.
  func copy(_ index: Int, _ head: RequestHead, _ bytes: UnsafeRawBufferPointer) -> [UInt8]? {
    value(index, head, bytes).map { Array($0) }
  }

  /// The values of every field with `role` from `first` on, joined by `separator` (as a
  /// recipient may combine repeated fields, RFC 9110 §5.3); nil when there is none.
  func joined(
    _ role: FieldRole, from first: Int, separator: StaticString, _ head: RequestHead,
    _ bytes: UnsafeRawBufferPointer
  ) -> [UInt8]? {
    guard first >= 0 else { return nil }
    var joined = Array(head.fields[first].value(in: bytes))
    var index = first + 1
    while index < count {
      if storage[index] == role {
        joined.append(
          contentsOf: UnsafeRawBufferPointer(start: separator.utf8Start, count: separator.utf8CodeUnitCount))
        joined.append(contentsOf: head.fields[index].value(in: bytes))
      }
      index += 1
    }
    return joined
  }
}
