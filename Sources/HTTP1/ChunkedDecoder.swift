/// Incremental decoder of the chunked transfer coding (RFC 9112 §7.1). Loop-thread only: a plain value
/// owned by one body stream.
///
/// `decode` is given the unconsumed input each time; it consumes framing bytes as it goes and keeps
/// its position inside the framing in its state, so any split of the input decodes the same body.
/// Rules: chunk-size is 1*HEXDIG with at most 15 significant digits (so it never overflows `Int64`);
/// chunk extensions follow `*( BWS ";" BWS name [ BWS "=" BWS ( token / quoted-string ) ] )` and are
/// at most `maxExtensionBytes` per chunk and `maxTotalExtensionBytes` per body (they are dropped, so
/// without a total a client could make the proxy parse megabytes that never reach the app); chunk data is followed by exactly CRLF; trailer fields are
/// checked like header fields, bounded by `maxTrailerBytes`, and discarded (never merged into the head).
public struct ChunkedDecoder: Sendable {
  public static let maxExtensionBytes = 4096
  public static let maxTotalExtensionBytes = 16384

  enum State: UInt8 {
    case sizeStart, size, extBeforeSemi, extAfterSemi, extName, extAfterName, extAfterEq, extToken, extQuoted,
      extQuotedPair, extAfterQuoted, sizeLF
    case data, dataCR, dataLF
    case trailerLineStart, trailerName, trailerValue, trailerLF, trailerEndLF
    case done, failed
  }

  public let maxTrailerBytes: Int
  var state: State = .sizeStart
  var failure: HTTPParseError.Kind = .invalidChunkSize
  var size: Int64 = 0
  var significantDigits = 0
  var totalDigits = 0
  var extensionBytes = 0
  var totalExtensionBytes = 0
  var trailerBytes = 0
  var remaining: Int64 = 0

  public init(maxTrailerBytes: Int = 16384) {
    self.maxTrailerBytes = maxTrailerBytes
  }

  /// Prepare for the next chunked body.
  public mutating func reset() {
    self = ChunkedDecoder(maxTrailerBytes: maxTrailerBytes)
  }

  /// True once the last chunk and the trailer section were consumed.
  public var isFinished: Bool { state == .done }

  public mutating func decode(_ buffer: UnsafeRawBufferPointer) -> ChunkedEvent {
    let end = buffer.count
    var i = 0
    while i < end {
      let b = buffer[i]
      switch state {
      case .sizeStart:
        guard ASCII.isHexDigit(b) else { return fail(.invalidChunkSize) }
        size = 0
        significantDigits = 0
        totalDigits = 0
        extensionBytes = 0
        state = .size
        continue
      case .size:
        if ASCII.isHexDigit(b) {
          let digit = Int64(ASCII.hexValue(b))
          if size != 0 || digit != 0 { significantDigits &+= 1 }
          totalDigits &+= 1
          if significantDigits > 15 || totalDigits > 64 { return fail(.chunkSizeTooLarge) }
          size = size &<< 4 | digit
        } else if b == UInt8(ascii: ";") {
          state = .extAfterSemi
        } else if ASCII.isOWS(b) {
          state = .extBeforeSemi
        } else if b == ASCII.cr {
          state = .sizeLF
        } else if b == ASCII.lf {
          return fail(.bareLF)
        } else {
          return fail(.invalidChunkSize)
        }
      case .extBeforeSemi, .extAfterSemi, .extName, .extAfterName, .extAfterEq, .extToken, .extQuoted,
        .extQuotedPair, .extAfterQuoted:
        extensionBytes &+= 1
        totalExtensionBytes &+= 1
        if extensionBytes > Self.maxExtensionBytes { return fail(.chunkExtensionTooLong) }
        if totalExtensionBytes > Self.maxTotalExtensionBytes { return fail(.chunkExtensionsTooLarge) }
        guard let next = Self.extensionStep(state, b) else {
          return fail(b == ASCII.lf ? .bareLF : .invalidChunkExtension)
        }
        state = next
      case .sizeLF:
        guard b == ASCII.lf else { return fail(.bareCR) }
        if size == 0 {
          trailerBytes = 0
          state = .trailerLineStart
        } else {
          remaining = size
          state = .data
        }
      case .data:
        let available = Int64(end &- i)
        let count = remaining < available ? remaining : available
        remaining &-= count
        if remaining == 0 { state = .dataCR }
        return .data(offset: i, count: Int(count))
      case .dataCR:
        guard b == ASCII.cr else { return fail(.invalidChunkTerminator) }
        state = .dataLF
      case .dataLF:
        guard b == ASCII.lf else { return fail(.invalidChunkTerminator) }
        state = .sizeStart
      case .trailerLineStart, .trailerName, .trailerValue, .trailerLF, .trailerEndLF:
        trailerBytes &+= 1
        if trailerBytes > maxTrailerBytes { return fail(.trailerSectionTooLarge) }
        switch trailerStep(b) {
        case .some(let kind): return fail(kind)
        case .none: break
        }
        if state == .done { return .end(consumed: i &+ 1) }
      case .done:
        return .end(consumed: 0)
      case .failed:
        return .failed(HTTPParseError(failure))
      }
      i &+= 1
    }
    switch state {
    case .done: return .end(consumed: 0)
    case .failed: return .failed(HTTPParseError(failure))
    default: return .needMore(consumed: end)
    }
  }

  /// Chunk-extension grammar; nil means the byte is not allowed here.
  static func extensionStep(_ state: State, _ b: UInt8) -> State? {
    switch state {
    case .extBeforeSemi:  // BWS before ";" (after the size or a value)
      if ASCII.isOWS(b) { return state }
      return b == UInt8(ascii: ";") ? .extAfterSemi : nil
    case .extAfterSemi:
      if ASCII.isOWS(b) { return state }
      return ASCII.isTChar(b) ? .extName : nil
    case .extName:
      if ASCII.isTChar(b) { return state }
      return afterElement(b, allowEquals: true)
    case .extAfterName:
      if ASCII.isOWS(b) { return state }
      if b == UInt8(ascii: "=") { return .extAfterEq }
      return b == UInt8(ascii: ";") ? .extAfterSemi : nil
    case .extAfterEq:
      if ASCII.isOWS(b) { return state }
      if b == UInt8(ascii: "\"") { return .extQuoted }
      return ASCII.isTChar(b) ? .extToken : nil
    case .extToken:
      if ASCII.isTChar(b) { return state }
      return afterElement(b, allowEquals: false)
    case .extQuoted:
      if b == UInt8(ascii: "\"") { return .extAfterQuoted }
      if b == UInt8(ascii: "\\") { return .extQuotedPair }
      return b == ASCII.htab || (b >= 0x20 && b != 0x7F) ? state : nil
    case .extQuotedPair:
      return b == ASCII.htab || (b >= 0x20 && b != 0x7F) ? .extQuoted : nil
    case .extAfterQuoted:
      return afterElement(b, allowEquals: false)
    default:
      return nil
    }
  }

  /// After a name or value: ";" starts the next extension, CR ends the line, BWS may precede ";" (or
  /// "=" after a name). Trailing whitespace before CRLF is not in the grammar and is refused.
  static func afterElement(_ b: UInt8, allowEquals: Bool) -> State? {
    if b == UInt8(ascii: ";") { return .extAfterSemi }
    if b == ASCII.cr { return .sizeLF }
    if ASCII.isOWS(b) { return allowEquals ? .extAfterName : .extBeforeSemi }
    if allowEquals && b == UInt8(ascii: "=") { return .extAfterEq }
    return nil
  }

  /// Trailer field lines, checked like header fields and discarded.
  mutating func trailerStep(_ b: UInt8) -> HTTPParseError.Kind? {
    switch state {
    case .trailerLineStart:
      if ASCII.isTChar(b) {
        state = .trailerName
      } else if b == ASCII.cr {
        state = .trailerEndLF
      } else if b == ASCII.lf {
        return .bareLF
      } else if ASCII.isOWS(b) {
        return .obsFold
      } else if b < 0x20 || b == 0x7F {
        return .controlCharacter
      } else {
        return .invalidFieldName
      }
    case .trailerName:
      if ASCII.isTChar(b) { return nil }
      if b == UInt8(ascii: ":") {
        state = .trailerValue
      } else if ASCII.isOWS(b) {
        return .whitespaceBeforeColon
      } else if b == ASCII.cr {
        return .missingColon
      } else if b == ASCII.lf {
        return .bareLF
      } else if b < 0x20 || b == 0x7F {
        return .controlCharacter
      } else {
        return .invalidFieldName
      }
    case .trailerValue:
      if ASCII.isFieldVChar(b) || ASCII.isOWS(b) { return nil }
      if b == ASCII.cr {
        state = .trailerLF
      } else {
        return b == ASCII.lf ? .bareLF : .controlCharacter
      }
    case .trailerLF:
      guard b == ASCII.lf else { return .bareCR }
      state = .trailerLineStart
    case .trailerEndLF:
      guard b == ASCII.lf else { return .bareCR }
      state = .done
    default:
      break
    }
    return nil
  }

  mutating func fail(_ kind: HTTPParseError.Kind) -> ChunkedEvent {
    state = .failed
    failure = kind
    return .failed(HTTPParseError(kind))
  }
}
