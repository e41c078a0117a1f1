import Codecs
import JWT

/// The session admin API on Gatehouse's admin listener (`GET`/`DELETE /sessions?user=ID`), with
/// the admin token as a bearer token: how the probes look at the server side of a session and
/// how every session the audit created is revoked at the end. Single-thread use.
public final class AdminClient {
  let client: AuditHTTPClient
  private let token: String?

  public init(client: AuditHTTPClient, token: String?) {
    self.client = client
    self.token = token
  }

  public var target: ProbeTarget { client.target }

  /// The log hashes of `user`'s live sessions.
  public func sessionHashes(user: String) throws(AuditError) -> [String] {
    let response = try send("GET", user: user)
    guard case .array(let sessions)? = response.json?["sessions"] else {
      throw AuditError(.admin, "GET /sessions answered without a sessions list")
    }
    return sessions.compactMap { $0["hash"]?.stringValue }
  }

  /// Revokes every session of `user`; returns how many there were.
  @discardableResult
  public func revokeAll(user: String) throws(AuditError) -> Int {
    let response = try send("DELETE", user: user)
    guard let count = response.json?["revoked"]?.int64Value else {
      throw AuditError(.admin, "DELETE /sessions answered without a revoked count")
    }
    return Int(count)
  }

  private func send(_ method: String, user: String) throws(AuditError) -> HTTPResponse {
    var headers: [HTTPHeader] = []
    if let token { headers.append(HTTPHeader("Authorization", "Bearer \(token)")) }
    let response = try client.send(
      ProbeRequest(method, "/sessions?user=" + PercentEncoding.encode(user), headers: headers))
    guard response.status == 200 else {
      let hint =
        response.status == 401 ? " (pass the admin token with --admin-token-env or [admin] token)" : ""
      throw AuditError(.admin, "\(method) /sessions answered \(response.status)\(hint)")
    }
    return response
  }
}
