/// GH-PROBE-SMUGGLING: requests whose length two parsers could read differently — the classic
/// request-smuggling shapes — are answered 400 and the connection is closed, so nothing after
/// them can be taken for a second request. Each goes on its own connection; a request that
/// reaches the app (any other answer) or a connection left open fails the probe.
struct SmugglingProbe: LiveProbe {
  let definition = CheckDefinition(
    id: "GH-PROBE-SMUGGLING", title: "Ambiguous request framing is refused with 400 and a closed connection",
    category: .deployment, severity: .critical,
    recommendation:
      "Put nothing that re-parses requests between clients and Gatehouse without the same strict rules; if Gatehouse itself answered, report it as a bug."
  )

  /// How long the server has to close after its answer.
  static let closeWait: UInt64 = 2_000_000_000

  static func cases(host: String) -> [(String, String)] {
    let start = "POST / HTTP/1.1\r\nHost: \(host)\r\n"
    return [
      (
        "CL.TE (Content-Length and Transfer-Encoding)",
        start + "Content-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nG"
      ),
      (
        "TE.CL (Transfer-Encoding before Content-Length)",
        start + "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n8\r\nSMUGGLED\r\n0\r\n\r\n"
      ),
      ("duplicated Content-Length", start + "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!"),
      (
        "Transfer-Encoding with a space before the colon",
        start + "Transfer-Encoding : chunked\r\n\r\n0\r\n\r\n"
      ),
      (
        "Transfer-Encoding folded onto a second line",
        start + "Transfer-Encoding:\r\n chunked\r\n\r\n0\r\n\r\n"
      ),
      (
        "Transfer-Encoding: chunked, identity",
        start + "Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n"
      ),
      (
        "Transfer-Encoding in HTTP/1.0",
        "POST / HTTP/1.0\r\nHost: \(host)\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
      ),
    ]
  }

  func run(_ context: LiveAuditContext) throws(AuditError) -> CheckOutcome {
    var problems: [String] = []
    var evidence: [String] = []
    for (name, text) in Self.cases(host: context.client.target.authority) {
      let connection = try context.client.open()
      defer { connection.close() }
      let response: HTTPResponse
      do {
        response = try connection.exchangeRaw(Array(text.utf8), method: "POST").0
      } catch {
        problems.append("\(name): no readable answer (\(error))")
        continue
      }
      let closed = connection.closesSoon(within: Self.closeWait)
      if response.status == 400 && closed {
        evidence.append("\(name): 400, connection closed")
      } else {
        problems.append("\(name): \(response.summary), connection \(closed ? "closed" : "left open")")
      }
    }
    return problems.isEmpty ? CheckOutcome(.passed, evidence) : CheckOutcome(.failed, problems + evidence)
  }
}
