// The byte-level state machine shared by requests and responses.

extension HeadParser {
  /// Scans from `position` to the end of `buffer`. Never looks past the byte it examines, so the
  /// outcome does not depend on where the buffer ends.
  mutating func scan(_ buf: UnsafeRawBufferPointer, _ fields: inout [HTTPField]) -> Step {
    let end = buf.count
    var i = position
    while i < end {
      if i >= limitPosition, let kind = limitError(at: i, byte: buf[i]) {
        return failScan(kind, at: i)
      }
      let b = buf[i]
      switch state {
      // MARK: Request line
      case .requestStart:
        if b == ASCII.cr {
          state = .leadingLF
        } else if b == ASCII.lf {
          return failScan(.bareLF, at: i)
        } else {
          lineStart = i
          tokenStart = i
          limitPosition = Swift.min(i &+ limits.maxRequestLineBytes, limits.maxHeaderBytes)
          state = .method
          continue  // examine this byte as the method's first
        }
      case .leadingLF:
        guard b == ASCII.lf else { return failScan(.bareCR, at: i) }
        state = .requestStart
      case .method:
        if ASCII.isTChar(b) {
          if i &- tokenStart >= limits.maxMethodBytes { return failScan(.methodTooLong, at: i) }
          break
        }
        guard b == ASCII.sp, i > tokenStart else { return failScan(.invalidMethod, at: i) }
        methodLength = i &- tokenStart
        method = HTTPMethod.classify(buf, start: tokenStart, length: methodLength)
        if method == .connect { return failScan(.connectNotSupported, at: i) }
        state = .targetStart
      case .targetStart:
        targetStart = i
        if b == UInt8(ascii: "/") {
          segmentDots = 0
          segmentOther = false
          state = .path
        } else if b == UInt8(ascii: "*") {
          guard method == .options else { return failScan(.asteriskFormNotOptions, at: i) }
          state = .asteriskEnd
        } else if ASCII.isAlpha(b) {
          return failScan(.absoluteFormNotAccepted, at: i)
        } else {
          return failScan(.invalidTarget, at: i)
        }
      case .asteriskEnd:
        guard b == ASCII.sp else { return failScan(.invalidTarget, at: i) }
        pathEnd = i
        targetEnd = i
        tokenStart = i &+ 1
        state = .requestVersion
      case .path:
        if b == UInt8(ascii: "/") || b == UInt8(ascii: "?") || b == ASCII.sp {
          if !segmentOther && segmentDots != 0 && segmentDots <= 2 {
            return failScan(.dotSegmentInPath, at: i)
          }
          segmentDots = 0
          segmentOther = false
          if b == UInt8(ascii: "?") {
            pathEnd = i
            state = .query
          } else if b == ASCII.sp {
            pathEnd = i
            targetEnd = i
            tokenStart = i &+ 1
            state = .requestVersion
          }
        } else if b == UInt8(ascii: ".") {
          if segmentDots < 3 { segmentDots &+= 1 }
        } else if b == UInt8(ascii: "%") {
          state = .pathPct1
        } else if Self.isTargetChar(b) {
          segmentOther = true
        } else {
          return failScan(.invalidTarget, at: i)
        }
      case .pathPct1, .queryPct1:
        guard ASCII.isHexDigit(b) else { return failScan(.invalidTarget, at: i) }
        pctHigh = ASCII.hexValue(b)
        state = state == .pathPct1 ? .pathPct2 : .queryPct2
      case .pathPct2, .queryPct2:
        guard ASCII.isHexDigit(b) else { return failScan(.invalidTarget, at: i) }
        let decoded = pctHigh &<< 4 | ASCII.hexValue(b)
        if decoded == 0 { return failScan(.invalidTarget, at: i) }
        if state == .queryPct2 {
          state = .query
          break
        }
        if decoded == UInt8(ascii: ".") {
          if segmentDots < 3 { segmentDots &+= 1 }
        } else if decoded == UInt8(ascii: "/") || decoded == UInt8(ascii: "\\") {
          return failScan(.encodedSeparatorInPath, at: i)
        } else {
          segmentOther = true
        }
        state = .path
      case .query:
        if b == ASCII.sp {
          targetEnd = i
          tokenStart = i &+ 1
          state = .requestVersion
        } else if b == UInt8(ascii: "%") {
          state = .queryPct1
        } else if !Self.isTargetChar(b) {
          return failScan(.invalidTarget, at: i)
        }
      case .requestVersion:
        if i == tokenStart, let minor = Self.wholeVersion(buf, at: i, end: end, limit: limitPosition) {
          // `HTTP/1.1` or `HTTP/1.0` whole: the eight bytes the byte steps below would accept.
          versionMajor = 1
          versionMinor = minor
          i &+= 8
          continue  // the terminator is checked byte by byte
        }
        if let kind = versionByte(b, index: i &- tokenStart, terminator: ASCII.cr, error: .invalidVersion) {
          return failScan(kind, at: i)
        }
        if i &- tokenStart == 8 { state = .requestLineLF }
      case .requestLineLF:
        guard b == ASCII.lf else { return failScan(.bareCR, at: i) }
        limitPosition = limits.maxHeaderBytes
        state = .lineStart

      // MARK: Status line
      case .statusVersion:
        if i == 0, let minor = Self.wholeVersion(buf, at: 0, end: end, limit: limitPosition) {
          versionMajor = 1
          versionMinor = minor
          i = 8
          continue  // the SP after it is checked byte by byte
        }
        if let kind = versionByte(b, index: i, terminator: ASCII.sp, error: .invalidStatusLine) {
          return failScan(kind, at: i)
        }
        if i == 8 {
          tokenStart = 9
          status = 0
          state = .statusCode
        }
      case .statusCode:
        let k = i &- tokenStart
        if k < 3 {
          guard ASCII.isDigit(b) else { return failScan(.invalidStatusLine, at: i) }
          status = status &* 10 &+ Int(b &- 0x30)
          break
        }
        guard status >= 100 && status <= 599 else { return failScan(.invalidStatusLine, at: i) }
        if b == ASCII.sp {
          reasonStart = i &+ 1
          state = .statusReason
        } else if b == ASCII.cr {
          reasonStart = i
          reasonEnd = i
          state = .statusLineLF
        } else if b == ASCII.lf {
          return failScan(.bareLF, at: i)
        } else {
          return failScan(.invalidStatusLine, at: i)
        }
      case .statusReason:
        if ASCII.isFieldVChar(b) || ASCII.isOWS(b) { break }
        if b == ASCII.cr {
          reasonEnd = i
          state = .statusLineLF
        } else if b == ASCII.lf {
          return failScan(.bareLF, at: i)
        } else {
          return failScan(.controlCharacter, at: i)
        }
      case .statusLineLF:
        guard b == ASCII.lf else { return failScan(.bareCR, at: i) }
        state = .lineStart

      // MARK: Field lines
      case .lineStart:
        if ASCII.isTChar(b) {
          tokenStart = i
          state = .name
          continue
        }
        if b == ASCII.cr {
          state = .headEndLF
        } else if b == ASCII.lf {
          return failScan(.bareLF, at: i)
        } else if ASCII.isOWS(b) {
          return failScan(fields.isEmpty ? .whitespaceAfterStartLine : .obsFold, at: i)
        } else if b < 0x20 || b == 0x7F {
          return failScan(.controlCharacter, at: i)
        } else {
          return failScan(.invalidFieldName, at: i)
        }
      case .name:
        var j = i
        let stop = end < limitPosition ? end : limitPosition
        while true {
          while j < stop && ASCII.isPlainNameChar(buf[j]) { j &+= 1 }
          guard j < stop, buf[j] == UInt8(ascii: "_") else { break }
          nameHasUnderscore = true
          j &+= 1
        }
        i = j
        if j == stop { continue }
        let c = buf[j]
        if c == UInt8(ascii: ":") {
          nameEnd = j
          state = .valueOWS
        } else if c == UInt8(ascii: "%") {
          return failScan(.percentInFieldName, at: j)
        } else if ASCII.isOWS(c) {
          return failScan(.whitespaceBeforeColon, at: j)
        } else if c == ASCII.cr {
          return failScan(.missingColon, at: j)
        } else if c == ASCII.lf {
          return failScan(.bareLF, at: j)
        } else if c < 0x20 || c == 0x7F {
          return failScan(.controlCharacter, at: j)
        } else {
          return failScan(.invalidFieldName, at: j)
        }
      case .valueOWS:
        if ASCII.isOWS(b) { break }
        if ASCII.isFieldVChar(b) {
          valueStart = i
          valueEnd = i
          state = .value
          continue
        }
        if b == ASCII.cr {
          valueStart = i
          valueEnd = i
          state = .fieldLF
        } else if b == ASCII.lf {
          return failScan(.bareLF, at: i)
        } else {
          return failScan(.controlCharacter, at: i)
        }
      case .value:
        var j = i
        var last = valueEnd
        let stop = end < limitPosition ? end : limitPosition
        // Whole words of plain value bytes at once (long values — tokens, cookies — are nearly
        // all such bytes); otherwise byte by byte up to the next whitespace, after which words
        // are tried again (the bytes before it are plain, so a word from any of them would stop
        // at the same byte). The byte loop stays as tight as before for short values.
        while j < stop {
          let run = Self.plainValueWords(buf, from: j, to: stop)
          if run != j {
            j = run
            last = run
            continue
          }
          var c = buf[j]
          while c > 0x20 && c != 0x7F {
            j &+= 1
            last = j
            guard j < stop else { break }
            c = buf[j]
          }
          guard j < stop, c == ASCII.sp || c == ASCII.htab else { break }
          j &+= 1
        }
        valueEnd = last
        i = j
        if j == stop { continue }
        let c = buf[j]
        if c == ASCII.cr {
          state = .fieldLF
        } else if c == ASCII.lf {
          return failScan(.bareLF, at: j)
        } else {
          return failScan(.controlCharacter, at: j)
        }
      case .fieldLF:
        guard b == ASCII.lf else { return failScan(.bareCR, at: i) }
        if let kind = finishField(buf, &fields) { return failScan(kind, at: i) }
        state = .lineStart
      case .headEndLF:
        guard b == ASCII.lf else { return failScan(.bareCR, at: i) }
        state = .done
        position = i &+ 1
        return .complete(headLength: i &+ 1)
      case .done, .failed:
        return .incomplete  // unreachable: the public entry points answer these states
      }
      i &+= 1
    }
    position = i
    return .incomplete
  }

  /// The error for byte `i` once it reaches `limitPosition`, or nil if the byte is still allowed.
  func limitError(at i: Int, byte b: UInt8) -> HTTPParseError.Kind? {
    switch state {
    case .method, .targetStart, .asteriskEnd, .path, .pathPct1, .pathPct2, .query, .queryPct1, .queryPct2,
      .requestVersion, .requestLineLF:
      if i &- lineStart >= limits.maxRequestLineBytes {
        // The CRLF that ends a request line of exactly the maximum length does not count.
        if state == .requestLineLF || (state == .requestVersion && b == ASCII.cr) {
          return i >= limits.maxHeaderBytes ? .headerSectionTooLarge : nil
        }
        return .requestLineTooLong
      }
    default: break
    }
    return i >= limits.maxHeaderBytes ? .headerSectionTooLarge : nil
  }

  /// Checks byte `index` (0-based) of `HTTP/d.d` followed by `terminator`.
  mutating func versionByte(
    _ b: UInt8, index: Int, terminator: UInt8, error: HTTPParseError.Kind
  ) -> HTTPParseError.Kind? {
    switch index {
    case 0: return b == UInt8(ascii: "H") ? nil : error
    case 1, 2: return b == UInt8(ascii: "T") ? nil : error
    case 3: return b == UInt8(ascii: "P") ? nil : error
    case 4: return b == UInt8(ascii: "/") ? nil : error
    case 5:
      guard ASCII.isDigit(b) else { return error }
      versionMajor = b &- 0x30
      return nil
    case 6: return b == UInt8(ascii: ".") ? nil : error
    case 7:
      guard ASCII.isDigit(b) else { return error }
      versionMinor = b &- 0x30
      return nil
    default:
      if b != terminator { return b == ASCII.lf ? .bareLF : error }
      if versionMajor != 1 || versionMinor > 1 { return .unsupportedVersion }
      return nil
    }
  }

  /// Visible ASCII allowed in a target outside percent-encoding: not '#', '\' or '%'.
  @inline(__always)
  static func isTargetChar(_ b: UInt8) -> Bool {
    b > 0x20 && b < 0x7F && b != UInt8(ascii: "#") && b != UInt8(ascii: "\\") && b != UInt8(ascii: "%")
  }

  mutating func failScan(_ kind: HTTPParseError.Kind, at i: Int) -> Step {
    state = .failed
    failure = kind
    position = i
    return .failed(kind)
  }
}
