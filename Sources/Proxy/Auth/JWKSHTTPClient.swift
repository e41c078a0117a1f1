import Config
import Crypto
import EventLoop
import JWT
import Net

/// A minimal blocking HTTP/1.1 GET client for JWKS documents, over plain TCP or TLS. Runs on
/// the JWKS fetcher thread only (it blocks; never call it on a loop thread). Stateless.
///
/// Rules: one request per connection (`Connection: close`); only a 200 is accepted (redirects
/// are not followed: the issuer → `jwks_uri` mapping is fixed by config); the body may be
/// Content-Length, chunked or close-delimited and must fit in `maxBytes`
/// (`JWKSResponseReader`); the whole exchange — TLS handshake included, resolve excluded — must
/// finish within `timeout` on `clock`. Plain `http://` to a host that does not resolve to
/// loopback is refused unless `allowInsecure`. The socket is a `BlockingSocket`: every wait is
/// bounded by the deadline.
enum JWKSHTTPClient {
  struct Failure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
  }

  /// Fetches `url`; `tls` is required for `https://`.
  static func get(
    _ url: JWKSURL, timeoutMs: Int64, maxBytes: Int, tls: TLSClientContext?, allowInsecure: Bool,
    clock: any Clock
  ) -> JWKSCache.FetchResult {
    do throws(Failure) {
      let (body, maxAge) = try fetch(
        url, timeoutMs: timeoutMs, maxBytes: maxBytes, tls: tls, allowInsecure: allowInsecure, clock: clock)
      return .success(body: body, cacheControlMaxAge: maxAge)
    } catch {
      return .failure(reason: error.description)
    }
  }

  private static func fetch(
    _ url: JWKSURL, timeoutMs: Int64, maxBytes: Int, tls: TLSClientContext?, allowInsecure: Bool,
    clock: any Clock
  ) throws(Failure) -> ([UInt8], Int64?) {
    let deadline = clock.monotonicNanos() &+ UInt64(max(timeoutMs, 1)) * 1_000_000
    let addresses = SocketAddress.resolve(host: url.host, port: url.port)
    guard let address = addresses.first else { throw Failure("cannot resolve \(url.host)") }
    if !url.isTLS && !allowInsecure && !address.ip.isLoopback {
      throw Failure("plain http to non-loopback address \(address) refused")
    }
    let socket: BlockingSocket
    do {
      socket = try BlockingSocket.connect(to: address, deadline: deadline, clock: clock)
    } catch {
      throw Failure(
        error.isTimeout ? "connect to \(address) timed out" : "connect to \(address): \(error.reason)")
    }
    let transport: any Transport
    if url.isTLS {
      guard let tls else { throw Failure("no TLS context") }
      do {
        // The handshake's reads and writes are bounded by the timeouts `connect` armed.
        transport = TLSTransport(
          socket: socket, stream: try tls.connect(fd: socket.descriptor.rawValue, host: url.host))
      } catch {
        throw Failure("TLS: \(error.description)")
      }
    } else {
      transport = PlainTransport(socket: socket)
    }
    let hostHeader = url.host.contains(":") ? "[\(url.host)]" : url.host
    let defaultPort: UInt16 = url.isTLS ? 443 : 80
    let request =
      "GET \(url.target) HTTP/1.1\r\nHost: \(hostHeader)\(url.port == defaultPort ? "" : ":\(url.port)")\r\n"
      + "Accept: application/jwk-set+json, application/json\r\nUser-Agent: gatehouse\r\nConnection: close\r\n\r\n"
    try Array(request.utf8).withUnsafeBytes { bytes in
      Result { () throws(Failure) in try transport.write(bytes, deadline: deadline) }
    }.get()

    var reader = JWKSResponseReader(maxBytes: maxBytes)
    let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 16384, alignment: 1)
    defer { chunk.deallocate() }
    while true {
      let count = try transport.read(into: chunk, deadline: deadline)
      let progress =
        count == 0
        ? try reader.receiveEnd() : try reader.receive(UnsafeRawBufferPointer(rebasing: chunk[0..<count]))
      if case .complete(let body, let maxAge) = progress { return (body, maxAge) }
    }
  }

  /// `max-age=N` from a Cache-Control value (`no-store`/`no-cache` count as 0).
  static func cacheControlMaxAge(_ value: UnsafeRawBufferPointer) -> Int64? {
    let text = String(decoding: value, as: UTF8.self).lowercased()
    var result: Int64?
    for part in text.split(separator: ",") {
      let directive = part.trimmingOWS()
      if directive == "no-store" || directive == "no-cache" { return 0 }
      if directive.hasPrefix("max-age=") {
        var digits = directive.dropFirst(8)
        if digits.hasPrefix("\"") && digits.hasSuffix("\"") && digits.count >= 2 {
          digits = digits.dropFirst().dropLast()
        }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { continue }
        result = Int64(digits.prefix(12)) ?? Int64.max
      }
    }
    return result
  }
}

/// A byte stream the client reads and writes with a deadline. Fetcher-thread only.
private protocol Transport {
  /// Reads what has arrived into `buffer`; returns the count (0 = peer closed).
  func read(into buffer: UnsafeMutableRawBufferPointer, deadline: UInt64) throws(JWKSHTTPClient.Failure)
    -> Int
  func write(_ bytes: UnsafeRawBufferPointer, deadline: UInt64) throws(JWKSHTTPClient.Failure)
}

extension JWKSHTTPClient.Failure {
  /// "timed out" for a deadline, else the call and its errno text ("recv: Connection reset by peer").
  init(_ error: SystemError) {
    self.init(error.isTimeout ? "timed out" : error.description)
  }
}

private struct PlainTransport: Transport {
  let socket: BlockingSocket

  func read(into buffer: UnsafeMutableRawBufferPointer, deadline: UInt64) throws(JWKSHTTPClient.Failure)
    -> Int
  {
    do {
      return try socket.receive(into: buffer, until: deadline)
    } catch {
      throw JWKSHTTPClient.Failure(error)
    }
  }

  func write(_ bytes: UnsafeRawBufferPointer, deadline: UInt64) throws(JWKSHTTPClient.Failure) {
    do {
      try socket.sendAll(bytes, until: deadline)
    } catch {
      throw JWKSHTTPClient.Failure(error)
    }
  }
}

/// OpenSSL reads and writes the blocking socket itself; the socket's timeouts are re-armed to
/// the time left before each call.
private struct TLSTransport: Transport {
  let socket: BlockingSocket
  let stream: TLSStream

  func read(into buffer: UnsafeMutableRawBufferPointer, deadline: UInt64) throws(JWKSHTTPClient.Failure)
    -> Int
  {
    do {
      try socket.armTimeouts(until: deadline)
    } catch {
      throw JWKSHTTPClient.Failure(error)
    }
    do {
      return try stream.read(into: buffer)
    } catch {
      throw JWKSHTTPClient.Failure("TLS: \(error)")
    }
  }

  func write(_ bytes: UnsafeRawBufferPointer, deadline: UInt64) throws(JWKSHTTPClient.Failure) {
    do {
      try socket.armTimeouts(until: deadline)
    } catch {
      throw JWKSHTTPClient.Failure(error)
    }
    do {
      try stream.write(bytes)
    } catch {
      throw JWKSHTTPClient.Failure("TLS: \(error)")
    }
  }
}
