/// What the driver must do after feeding an event to an `Exchange`: one small value per event
/// (no array, nothing allocated). The driver carries the actions out in this order — shutdowns,
/// release, close, open or retry (each answered with an event), flushes (each reported with an
/// event) — and when an event returns no more actions it registers `Exchange.interest` and arms
/// its timer for `Exchange.deadline`.
struct ExchangeActions: OptionSet, Equatable, CustomStringConvertible {
  let rawValue: UInt16
  init(rawValue: UInt16) { self.rawValue = rawValue }

  /// Half-close the upstream's side (tunnel: the client ended).
  static let shutdownUpstreamWrite = ExchangeActions(rawValue: 1 << 0)
  /// Half-close the client's side (after the last answer; tunnel: the upstream ended).
  static let shutdownClientWrite = ExchangeActions(rawValue: 1 << 1)
  /// Give the lent upstream connection back: to the pool with `upstreamReusable`, else closed.
  static let releaseUpstream = ExchangeActions(rawValue: 1 << 2)
  static let upstreamReusable = ExchangeActions(rawValue: 1 << 3)
  /// Close the client connection (and any upstream still lent). Nothing follows.
  static let close = ExchangeActions(rawValue: 1 << 4)
  /// Lend an upstream connection — an idle pooled one, else a fresh connect — and answer with
  /// `upstreamOpened` or `upstreamOpenFailed`.
  static let openUpstream = ExchangeActions(rawValue: 1 << 5)
  /// The pooled connection was dead before the request reached it: connect afresh, hand the
  /// unsent bytes to the new connection, discard the old one; answer with `upstreamReplaced` or
  /// `upstreamRetryFailed`.
  static let retryUpstream = ExchangeActions(rawValue: 1 << 6)
  /// Write the client buffer's bytes (optimistically); report with `clientFlushed`.
  static let flushClient = ExchangeActions(rawValue: 1 << 7)
  /// Write the upstream buffer's bytes; report with `upstreamFlushed`.
  static let flushUpstream = ExchangeActions(rawValue: 1 << 8)

  var description: String {
    let names: [(ExchangeActions, String)] = [
      (.shutdownUpstreamWrite, "shutdownUpstreamWrite"), (.shutdownClientWrite, "shutdownClientWrite"),
      (.releaseUpstream, "releaseUpstream"), (.upstreamReusable, "upstreamReusable"), (.close, "close"),
      (.openUpstream, "openUpstream"), (.retryUpstream, "retryUpstream"), (.flushClient, "flushClient"),
      (.flushUpstream, "flushUpstream"),
    ]
    return "[" + names.filter { contains($0.0) }.map(\.1).joined(separator: ", ") + "]"
  }
}
