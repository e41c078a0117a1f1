// Meaning of the fields that frame, route and control the connection, and the end-of-head decisions.

extension HeadParser {
  /// Called at the LF of a field line: classifies the name, applies its rules and appends the field.
  mutating func finishField(_ buf: UnsafeRawBufferPointer, _ fields: inout [HTTPField]) -> HTTPParseError
    .Kind?
  {
    if fields.count >= limits.maxHeaders { return .tooManyHeaders }
    let nameStart = tokenStart
    let nameLength = nameEnd &- nameStart
    if nameHasUnderscore {
      nameHasUnderscore = false
      if Self.isLookalikeName(buf, nameStart, nameLength, response: isResponse) { return .lookalikeFieldName }
    }
    // Not `[]`: an array literal costs a release of the empty array per field.
    var flags = FieldFlags()
    switch nameLength {
    case 2:
      if ASCII.equalsLower(buf, nameStart, 2, "te") { flags = .hopByHop }
    case 4:
      if ASCII.equalsLower(buf, nameStart, 4, "host") {
        flags = .host
        hostCount &+= 1
        if hostCount > 1 { return .duplicateHost }
        if !isResponse, let kind = HostField.validate(buf, start: valueStart, end: valueEnd) { return kind }
        hostIndex = fields.count
      }
    case 6:
      if ASCII.equalsLower(buf, nameStart, 6, "expect") {
        flags = .expect
        if !isResponse {
          if expectSeen { return .duplicateExpect }
          expectSeen = true
          guard ASCII.equalsLower(buf, valueStart, valueEnd &- valueStart, "100-continue") else {
            return .unsupportedExpectation
          }
          // RFC 9110 §10.1.1: a 100-continue expectation in an HTTP/1.0 request is ignored — and not
          // forwarded, so the app never sends a 1xx that a 1.0 client cannot read (§15.2).
          expectContinue = versionMinor == 1
          if versionMinor == 0 { flags = [.expect, .hopByHop] }
        }
      } else if ASCII.equalsLower(buf, nameStart, 6, "origin") {
        if let kind = noteSingleton(.origin) { return kind }
      }
    case 7:
      if ASCII.equalsLower(buf, nameStart, 7, "upgrade") {
        flags = [.upgrade, .hopByHop]
        upgradeSeen = true
      } else if ASCII.equalsLower(buf, nameStart, 7, "trailer") {
        flags = .hopByHop
      }
    case 10:
      if ASCII.equalsLower(buf, nameStart, 10, "connection") {
        flags = [.connection, .hopByHop]
        if let kind = parseConnection(buf) { return kind }
      } else if ASCII.equalsLower(buf, nameStart, 10, "keep-alive") {
        flags = .hopByHop
      } else if ASCII.equalsLower(buf, nameStart, 10, "user-agent") {
        if let kind = noteSingleton(.userAgent) { return kind }
      }
    case 12:
      if ASCII.equalsLower(buf, nameStart, 12, "content-type") {
        if let kind = noteSingleton(.contentType) { return kind }
      }
    case 14:
      if ASCII.equalsLower(buf, nameStart, 14, "content-length") {
        flags = .contentLength
        if transferEncodingSeen { return .contentLengthWithTransferEncoding }
        if let kind = parseContentLength(buf) { return kind }
      } else if ASCII.equalsLower(buf, nameStart, 14, "sec-fetch-site") {
        if let kind = noteSingleton(.secFetchSite) { return kind }
      }
    case 16:
      if ASCII.equalsLower(buf, nameStart, 16, "proxy-connection") { flags = .hopByHop }
    case 17:
      if ASCII.equalsLower(buf, nameStart, 17, "transfer-encoding") {
        flags = [.transferEncoding, .hopByHop]
        if versionMinor == 0 { return .transferEncodingInHTTP10 }
        if contentLength >= 0 { return .contentLengthWithTransferEncoding }
        transferEncodingSeen = true
        if let kind = parseTransferEncoding(buf) { return kind }
      }
    default: break
    }
    fields.append(
      HTTPField(
        nameStart: Int32(truncatingIfNeeded: nameStart), nameLength: Int32(truncatingIfNeeded: nameLength),
        valueStart: Int32(truncatingIfNeeded: valueStart),
        valueLength: Int32(truncatingIfNeeded: valueEnd &- valueStart), flags: flags))
    return nil
  }

  /// Request fields the proxy reads as one value (binding, CSRF, form detection): a second line
  /// would let the proxy judge one value while the app reads the other.
  enum SingletonField: UInt8 {
    case userAgent = 1
    case origin = 2
    case secFetchSite = 4
    case contentType = 8
  }

  mutating func noteSingleton(_ field: SingletonField) -> HTTPParseError.Kind? {
    if isResponse { return nil }
    if singletonsSeen & field.rawValue != 0 { return .duplicateSingletonField }
    singletonsSeen |= field.rawValue
    return nil
  }

  /// A name with '_' that reads as a framing field (requests and responses) or as a request field
  /// the proxy reads, once '_' becomes '-'. Only names with a '-' have such a twin; CGI-style
  /// backends map both spellings to one variable.
  static func isLookalikeName(_ buf: UnsafeRawBufferPointer, _ start: Int, _ length: Int, response: Bool)
    -> Bool
  {
    switch length {
    case 10:
      return ASCII.equalsFolded(buf, start, 10, "keep-alive")
        || (!response && ASCII.equalsFolded(buf, start, 10, "user-agent"))
    case 12: return !response && ASCII.equalsFolded(buf, start, 12, "content-type")
    case 14:
      return ASCII.equalsFolded(buf, start, 14, "content-length")
        || (!response && ASCII.equalsFolded(buf, start, 14, "sec-fetch-site"))
    case 16: return ASCII.equalsFolded(buf, start, 16, "proxy-connection")
    case 17: return ASCII.equalsFolded(buf, start, 17, "transfer-encoding")
    default: return false
    }
  }

  /// Content-Length = 1*DIGIT, or a list of identical values (RFC 9110 §8.6); leading zeros allowed.
  mutating func parseContentLength(_ buf: UnsafeRawBufferPointer) -> HTTPParseError.Kind? {
    var j = valueStart
    while true {
      while j < valueEnd && ASCII.isOWS(buf[j]) { j &+= 1 }
      var value: Int64 = 0
      var digits = 0
      while j < valueEnd && ASCII.isDigit(buf[j]) {
        let (times10, o1) = value.multipliedReportingOverflow(by: 10)
        let (sum, o2) = times10.addingReportingOverflow(Int64(buf[j] &- 0x30))
        if o1 || o2 { return .invalidContentLength }
        value = sum
        digits &+= 1
        j &+= 1
      }
      if digits == 0 { return .invalidContentLength }
      while j < valueEnd && ASCII.isOWS(buf[j]) { j &+= 1 }
      if contentLength >= 0 && contentLength != value { return .conflictingContentLength }
      contentLength = value
      if j == valueEnd { return nil }
      guard buf[j] == UInt8(ascii: ",") else { return .invalidContentLength }
      j &+= 1
    }
  }

  /// Transfer-Encoding list across all its fields: known codings, then `chunked` exactly once, last.
  mutating func parseTransferEncoding(_ buf: UnsafeRawBufferPointer) -> HTTPParseError.Kind? {
    var j = valueStart
    var elements = 0
    while j < valueEnd {
      let start = j
      while j < valueEnd && ASCII.isTChar(buf[j]) { j &+= 1 }
      let length = j &- start
      while j < valueEnd && ASCII.isOWS(buf[j]) { j &+= 1 }
      if j < valueEnd {
        guard buf[j] == UInt8(ascii: ",") else { return .invalidTransferEncoding }
        j &+= 1
        while j < valueEnd && ASCII.isOWS(buf[j]) { j &+= 1 }
      }
      if length == 0 { continue }  // empty list elements are ignored (RFC 9110 §5.6.1.2)
      elements &+= 1
      if ASCII.equalsLower(buf, start, length, "chunked") {
        if chunkedSeen { return .chunkedAppliedTwice }
        chunkedSeen = true
        chunkedLast = true
      } else if ASCII.equalsLower(buf, start, length, "gzip")
        || ASCII.equalsLower(buf, start, length, "x-gzip")
        || ASCII.equalsLower(buf, start, length, "deflate")
        || ASCII.equalsLower(buf, start, length, "compress")
        || ASCII.equalsLower(buf, start, length, "x-compress")
        || ASCII.equalsLower(buf, start, length, "identity")
      {
        if chunkedSeen { return .chunkedNotFinal }
        chunkedLast = false
      } else {
        return .unknownTransferEncoding
      }
    }
    return elements == 0 ? .invalidTransferEncoding : nil
  }

  /// Connection = #connection-option (tokens); notes close, keep-alive, upgrade and other options.
  mutating func parseConnection(_ buf: UnsafeRawBufferPointer) -> HTTPParseError.Kind? {
    var j = valueStart
    while j < valueEnd {
      let start = j
      while j < valueEnd && ASCII.isTChar(buf[j]) { j &+= 1 }
      let length = j &- start
      while j < valueEnd && ASCII.isOWS(buf[j]) { j &+= 1 }
      if j < valueEnd {
        guard buf[j] == UInt8(ascii: ",") else { return .invalidFieldValue }
        j &+= 1
        while j < valueEnd && ASCII.isOWS(buf[j]) { j &+= 1 }
      }
      if length == 0 { continue }
      if ASCII.equalsLower(buf, start, length, "close") {
        connectionClose = true
      } else if ASCII.equalsLower(buf, start, length, "keep-alive") {
        connectionKeepAlive = true
        connectionNominates = true
      } else if ASCII.equalsLower(buf, start, length, "upgrade") {
        connectionUpgrade = true
        connectionNominates = true
      } else {
        connectionNominates = true
      }
    }
    return nil
  }

  /// Marks every field named by a Connection option (RFC 9110 §7.6.1), except Host and framing fields.
  func markNominated(_ buf: UnsafeRawBufferPointer, _ fields: inout [HTTPField]) {
    let protected: FieldFlags = [.host, .contentLength, .transferEncoding]
    for c in fields.indices where fields[c].flags.contains(.connection) {
      var j = Int(fields[c].valueStart)
      let end = j &+ Int(fields[c].valueLength)
      while j < end {
        let start = j
        while j < end && buf[j] != UInt8(ascii: ",") { j &+= 1 }
        var tokenEnd = j
        while tokenEnd > start && ASCII.isOWS(buf[tokenEnd &- 1]) { tokenEnd &-= 1 }
        var tokenStart = start
        while tokenStart < tokenEnd && ASCII.isOWS(buf[tokenStart]) { tokenStart &+= 1 }
        j &+= 1
        let length = tokenEnd &- tokenStart
        if length == 0 { continue }
        for f in fields.indices where Int(fields[f].nameLength) == length {
          if fields[f].flags.isDisjoint(with: protected)
            && Self.equalsIgnoringCase(buf, Int(fields[f].nameStart), tokenStart, length)
          {
            fields[f].flags.insert(.nominatedByConnection)
          }
        }
      }
    }
  }

  static func equalsIgnoringCase(_ buf: UnsafeRawBufferPointer, _ a: Int, _ b: Int, _ length: Int) -> Bool {
    var k = 0
    while k < length {
      if ASCII.lower(buf[a &+ k]) != ASCII.lower(buf[b &+ k]) { return false }
      k &+= 1
    }
    return true
  }

  /// Framing, Host and connection decisions that need the whole request head.
  mutating func finishRequest(_ buf: UnsafeRawBufferPointer, _ head: inout RequestHead, headLength: Int)
    -> HTTPParseError.Kind?
  {
    if versionMinor == 1 && hostCount == 0 { return .missingHost }
    if transferEncodingSeen && !chunkedLast { return .chunkedNotFinal }
    head.method = method
    head.methodStart = lineStart
    head.methodLength = methodLength
    head.targetStart = targetStart
    head.targetLength = targetEnd &- targetStart
    head.pathLength = pathEnd &- targetStart
    head.versionMinor = Int(versionMinor)
    if transferEncodingSeen {
      head.framing = .chunked
    } else if contentLength >= 0 {
      head.framing = .contentLength(contentLength)
    } else {
      head.framing = .none
    }
    head.keepAlive = versionMinor == 1 ? !connectionClose : (connectionKeepAlive && !connectionClose)
    head.expectContinue = expectContinue
    head.upgrade = connectionUpgrade && upgradeSeen
    head.hostIndex = hostIndex
    head.headLength = headLength
    if connectionNominates { markNominated(buf, &head.fields) }
    return nil
  }

  /// Response framing per RFC 9112 §6.3.
  mutating func finishResponse(_ buf: UnsafeRawBufferPointer, _ head: inout ResponseHead, headLength: Int)
    -> HTTPParseError.Kind?
  {
    if transferEncodingSeen && !chunkedLast { return .chunkedNotFinal }
    head.status = status
    head.versionMinor = Int(versionMinor)
    head.reasonStart = reasonStart
    head.reasonLength = reasonEnd &- reasonStart
    head.keepAlive = versionMinor == 1 ? !connectionClose : (connectionKeepAlive && !connectionClose)
    if status < 200 || status == 204 || status == 304 || requestMethod == .head
      || (requestMethod == .connect && status < 300)
    {
      head.framing = .none
    } else if transferEncodingSeen {
      head.framing = .chunked
    } else if contentLength >= 0 {
      head.framing = .contentLength(contentLength)
    } else {
      head.framing = .untilClose
      head.keepAlive = false
    }
    head.upgrade = connectionUpgrade && upgradeSeen
    head.headLength = headLength
    if connectionNominates { markNominated(buf, &head.fields) }
    return nil
  }
}
