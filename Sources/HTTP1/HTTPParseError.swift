/// A violation of RFC 9112 / RFC 9110 found while parsing a head, a chunked body or a trailer section.
///
/// Immutable. Every rejection rule has its own `Kind` so that logs and metrics name the exact rule;
/// `status` is the response Gatehouse sends to a client whose request failed this way (responses from
/// the upstream that fail are mapped to 502 by the proxy, not here).
public struct HTTPParseError: Error, Equatable, Sendable, CustomStringConvertible {
  /// One case per rule.
  public enum Kind: String, Sendable, CaseIterable {
    // Request line
    case invalidMethod
    case methodTooLong
    case connectNotSupported
    case invalidTarget
    case dotSegmentInPath
    case encodedSeparatorInPath
    case absoluteFormNotAccepted
    case asteriskFormNotOptions
    case invalidVersion
    case unsupportedVersion
    case requestLineTooLong
    // Status line
    case invalidStatusLine
    // Line structure and size
    case headerSectionTooLarge
    case tooManyHeaders
    case bareCR
    case bareLF
    case controlCharacter
    case obsFold
    case whitespaceAfterStartLine
    // Field lines
    case whitespaceBeforeColon
    case invalidFieldName
    case percentInFieldName
    case lookalikeFieldName
    case missingColon
    case invalidFieldValue
    case missingHost
    case duplicateHost
    case invalidHost
    case emptyHost
    case invalidHostPort
    case duplicateSingletonField
    case duplicateExpect
    case unsupportedExpectation
    // Framing
    case invalidContentLength
    case conflictingContentLength
    case contentLengthWithTransferEncoding
    case transferEncodingInHTTP10
    case invalidTransferEncoding
    case chunkedNotFinal
    case chunkedAppliedTwice
    case unknownTransferEncoding
    // Chunked body
    case invalidChunkSize
    case chunkSizeTooLarge
    case invalidChunkExtension
    case chunkExtensionTooLong
    case chunkExtensionsTooLarge
    case invalidChunkTerminator
    case trailerSectionTooLarge
  }

  public let kind: Kind

  public init(_ kind: Kind) { self.kind = kind }

  /// The status code to answer a client request that failed with this error.
  public var status: Int {
    switch kind {
    case .requestLineTooLong: return 414
    case .headerSectionTooLarge, .tooManyHeaders: return 431
    case .unknownTransferEncoding, .connectNotSupported: return 501
    case .unsupportedVersion: return 505
    case .unsupportedExpectation: return 417
    default: return 400
    }
  }

  public var description: String { "HTTP parse error: \(kind.rawValue) (\(status))" }
}
