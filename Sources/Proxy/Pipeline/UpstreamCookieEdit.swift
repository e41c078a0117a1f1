import HTTP1

/// Decides, by name, which of the client's cookies the app must not receive (for example the
/// cookies of categories the user has not consented to). Called once per cookie pair of a
/// request whose `UpstreamCookieEdit` holds a filter; must not allocate.
protocol CookieNameFilter: Sendable {
  /// True when the cookie called `name` (its bytes as the client sent them) is removed.
  func removes(_ name: UnsafeBufferPointer<UInt8>) -> Bool
}

/// What the request phases want changed in the `Cookie` header the app receives, applied once
/// by `UpstreamRequestPhase` (docs/pipeline.md, "Rewriting the Cookie header"): cookies removed
/// by exact name or by a filter, and cookies added after the client's. Every phase edits the
/// same value, so several features compose (one removes unconsented cookies, another adds a
/// cookie Gatehouse keeps for the app) and the app still receives a single `Cookie` field.
///
/// Empty for nearly every request: nothing is allocated until a phase edits it. Names compare
/// byte for byte (cookie names are case-sensitive, RFC 6265bis §5.7.4).
struct UpstreamCookieEdit {
  /// Names whose pairs are removed, wherever the client put them.
  private(set) var removedNames: [[UInt8]] = []
  private(set) var filter: (any CookieNameFilter)? = nil
  /// Pairs added after the client's, in the order they were added (at most one per name).
  private(set) var added: [(name: [UInt8], value: [UInt8])] = []

  var isEmpty: Bool { removedNames.isEmpty && filter == nil && added.isEmpty }

  /// Removes every client pair called `name`.
  mutating func remove(name: [UInt8]) {
    if !removedNames.contains(name) { removedNames.append(name) }
  }

  mutating func remove(name: String) { remove(name: Array(name.utf8)) }

  /// Removes the client pairs `filter` names (one filter per request; a later one replaces it).
  mutating func filter(with filter: any CookieNameFilter) { self.filter = filter }

  /// Adds `name=value` after the client's pairs. A client pair of the same name is removed (the
  /// app sees exactly one, Gatehouse's), and a second `add` of the name replaces the first.
  /// `name` and `value` must already be valid cookie octets (RFC 6265bis §4.1.1).
  mutating func add(name: [UInt8], value: [UInt8]) {
    remove(name: name)
    if let existing = added.firstIndex(where: { $0.name == name }) {
      added[existing].value = value
    } else {
      added.append((name, value))
    }
  }

  /// The one `Cookie` field value the app receives for the client's `Cookie` field values
  /// `fields` (in order; several are joined as one, RFC 6265bis §5.7.4 allows a single field
  /// only): the client's pairs minus those removed by name (also `alsoRemoving`, the session
  /// cookies Gatehouse strips by configuration), by the filter, then the added pairs. Nil when
  /// nothing remains: the field is left out.
  func apply(to fields: [UnsafeRawBufferPointer], alsoRemoving fixed: [[UInt8]]) -> [UInt8]? {
    var out: [UInt8] = []
    var capacity = 0
    for field in fields { capacity += field.count }
    for pair in added { capacity += pair.name.count + pair.value.count + 3 }
    out.reserveCapacity(capacity)
    for field in fields {
      write(field, alsoRemoving: fixed, separated: !out.isEmpty) { out.append(contentsOf: $0) }
    }
    writeAdded(separated: !out.isEmpty) { out.append(contentsOf: $0) }
    return out.isEmpty ? nil : out
  }

  /// The kept pairs of one client `Cookie` field value, lent to `piece` in the pieces of
  /// `apply`'s output (pairs and "; " separators; the first pair without one unless
  /// `separated`), so the upstream-request phase writes them without a copy. True when a
  /// pair was kept.
  @discardableResult
  func write(
    _ field: UnsafeRawBufferPointer, alsoRemoving fixed: [[UInt8]], separated: Bool,
    _ piece: (UnsafeRawBufferPointer) -> Void
  ) -> Bool {
    var separate = separated
    var wrote = false
    let bytes = UnsafeBufferPointer(
      start: field.baseAddress?.assumingMemoryBound(to: UInt8.self), count: field.count)
    CookieHeader.forEachKeptPair(of: bytes) { name in
      Self.contains(fixed, name) || Self.contains(removedNames, name) || (filter?.removes(name) ?? false)
    } _: { pair in
      if separate { piece(Self.separator) }
      piece(UnsafeRawBufferPointer(pair))
      separate = true
      wrote = true
    }
    return wrote
  }

  /// The added pairs in pieces, as `write` lends the client's. True when there is one.
  @discardableResult
  func writeAdded(separated: Bool, _ piece: (UnsafeRawBufferPointer) -> Void) -> Bool {
    var separate = separated
    for pair in added {
      if separate { piece(Self.separator) }
      pair.name.withUnsafeBytes { piece($0) }
      piece(Self.equals)
      pair.value.withUnsafeBytes { piece($0) }
      separate = true
    }
    return !added.isEmpty
  }

  private static var separator: UnsafeRawBufferPointer {
    UnsafeRawBufferPointer(start: StaticString("; ").utf8Start, count: 2)
  }
  private static var equals: UnsafeRawBufferPointer {
    UnsafeRawBufferPointer(start: StaticString("=").utf8Start, count: 1)
  }

  private static func contains(_ names: [[UInt8]], _ name: UnsafeBufferPointer<UInt8>) -> Bool {
    for candidate in names where candidate.count == name.count {
      if candidate.withUnsafeBufferPointer({ $0.elementsEqual(name) }) { return true }
    }
    return false
  }
}
