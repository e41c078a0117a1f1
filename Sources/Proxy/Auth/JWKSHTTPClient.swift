import Config
import Crypto
import EventLoop
import Glibc
import HTTP1
import JWT
import Net

/// A minimal blocking HTTP/1.1 GET client for JWKS documents, over plain TCP or TLS. Runs on
/// the JWKS fetcher thread only (it blocks; never call it on a loop thread). Stateless.
///
/// Rules: one request per connection (`Connection: close`); only a 200 is accepted (redirects
/// are not followed: the issuer → `jwks_uri` mapping is fixed by config); the body may be
/// Content-Length, chunked or close-delimited and must fit in `maxBytes`; the whole exchange
/// (resolve excluded) must finish within `timeout`. Plain `http://` to a host that does not
/// resolve to loopback is refused unless `allowInsecure`.
enum JWKSHTTPClient {
  struct Failure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
  }

  /// Fetches `url`; `tls` is required for `https://`.
  static func get(
    _ url: JWKSURL, timeoutMs: Int64, maxBytes: Int, tls: TLSClientContext?, allowInsecure: Bool
  ) -> JWKSCache.FetchResult {
    do throws(Failure) {
      let (body, maxAge) = try fetch(
        url, timeoutMs: timeoutMs, maxBytes: maxBytes, tls: tls, allowInsecure: allowInsecure)
      return .success(body: body, cacheControlMaxAge: maxAge)
    } catch {
      return .failure(reason: error.description)
    }
  }

  private static func fetch(
    _ url: JWKSURL, timeoutMs: Int64, maxBytes: Int, tls: TLSClientContext?, allowInsecure: Bool
  ) throws(Failure) -> ([UInt8], Int64?) {
    let deadline = MonotonicClock.now() &+ UInt64(max(timeoutMs, 1)) * 1_000_000
    let addresses = SocketAddress.resolve(host: url.host, port: url.port)
    guard let address = addresses.first else { throw Failure("cannot resolve \(url.host)") }
    if !url.isTLS && !allowInsecure && !address.ip.isLoopback {
      throw Failure("plain http to non-loopback address \(address) refused")
    }
    let fd = try connect(address, deadline: deadline)
    defer { Posix.close(fd) }
    let transport: any Transport
    if url.isTLS {
      guard let tls else { throw Failure("no TLS context") }
      do {
        transport = TLSTransport(stream: try tls.connect(fd: fd, host: url.host))
      } catch {
        throw Failure("TLS: \(error.description)")
      }
    } else {
      transport = PlainTransport(fd: fd)
    }
    let hostHeader = url.host.contains(":") ? "[\(url.host)]" : url.host
    let defaultPort: UInt16 = url.isTLS ? 443 : 80
    let request =
      "GET \(url.target) HTTP/1.1\r\nHost: \(hostHeader)\(url.port == defaultPort ? "" : ":\(url.port)")\r\n"
      + "Accept: application/jwk-set+json, application/json\r\nUser-Agent: gatehouse\r\nConnection: close\r\n\r\n"
    try transport.write(Array(request.utf8), fd: fd, deadline: deadline)

    var buffer: [UInt8] = []
    buffer.reserveCapacity(16384)
    var parser = HeadParser(
      limits: HeadLimits(maxRequestLineBytes: 8192, maxHeaderBytes: 65536, maxHeaders: 200))
    var head = ResponseHead()
    var eof = false
    while true {
      let result = buffer.withUnsafeBytes { parser.parseResponse($0, requestMethod: .get, into: &head) }
      if case .complete = result { break }
      if case .failed(let error) = result { throw Failure("invalid response head: \(error)") }
      if eof { throw Failure("connection closed before the response head ended") }
      eof = try transport.read(into: &buffer, fd: fd, deadline: deadline) == 0
    }
    guard head.status == 200 else { throw Failure("HTTP status \(head.status)") }
    var maxAge: Int64?
    buffer.withUnsafeBytes { raw in
      for field in head.fields where FieldName.equals(field.name(in: raw), "cache-control") {
        if let value = cacheControlMaxAge(field.value(in: raw)) { maxAge = min(maxAge ?? value, value) }
      }
    }
    var rest = Array(buffer[head.headLength...])
    switch head.framing {
    case .none:
      return ([], maxAge)
    case .contentLength(let length):
      guard length <= Int64(maxBytes) else { throw Failure("body of \(length) bytes exceeds \(maxBytes)") }
      while rest.count < Int(length) {
        if eof { throw Failure("connection closed after \(rest.count) of \(length) body bytes") }
        if try transport.read(into: &rest, fd: fd, deadline: deadline) == 0 {
          throw Failure("connection closed after \(rest.count) of \(length) body bytes")
        }
      }
      return (Array(rest.prefix(Int(length))), maxAge)
    case .untilClose:
      while !eof {
        eof = try transport.read(into: &rest, fd: fd, deadline: deadline) == 0
        if rest.count > maxBytes { throw Failure("body exceeds \(maxBytes) bytes") }
      }
      return (rest, maxAge)
    case .chunked:
      var decoder = ChunkedDecoder()
      var body: [UInt8] = []
      var offset = 0
      while true {
        let event = rest.withUnsafeBytes { decoder.decode(UnsafeRawBufferPointer(rebasing: $0[offset...])) }
        switch event {
        case .data(let start, let count):
          body.append(contentsOf: rest[(offset + start)..<(offset + start + count)])
          offset += start + count
          if body.count > maxBytes { throw Failure("body exceeds \(maxBytes) bytes") }
        case .needMore(let consumed):
          offset += consumed
          rest.removeFirst(offset)
          offset = 0
          if eof { throw Failure("connection closed inside a chunked body") }
          if try transport.read(into: &rest, fd: fd, deadline: deadline) == 0 {
            throw Failure("connection closed inside a chunked body")
          }
        case .end:
          return (body, maxAge)
        case .failed(let error):
          throw Failure("invalid chunked body: \(error)")
        }
      }
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

  private static func connect(_ address: SocketAddress, deadline: UInt64) throws(Failure) -> Int32 {
    let fd: Int32
    let connected: Bool
    do {
      (fd, connected) = try Socket.connect(address)
    } catch {
      throw Failure("connect to \(address): \(error)")
    }
    if !connected {
      guard waitFor(fd, events: Int16(POLLOUT), deadline: deadline) else {
        Posix.close(fd)
        throw Failure("connect to \(address) timed out")
      }
      let code = Socket.pendingError(fd)
      guard code == 0 else {
        Posix.close(fd)
        throw Failure("connect to \(address): \(String(cString: strerror(code)))")
      }
    }
    // Blocking from here on, with per-call timeouts (TLS reads and writes block in OpenSSL).
    let flags = fcntl(fd, F_GETFL)
    _ = fcntl(fd, F_SETFL, flags & ~O_NONBLOCK)
    return fd
  }

  /// Polls `fd` until `events` or the deadline; false on timeout.
  static func waitFor(_ fd: Int32, events: Int16, deadline: UInt64) -> Bool {
    while true {
      let now = MonotonicClock.now()
      guard now < deadline else { return false }
      var pfd = pollfd(fd: fd, events: events, revents: 0)
      let ms = Int32(min((deadline - now) / 1_000_000 + 1, 60_000))
      let ready = poll(&pfd, 1, ms)
      if ready > 0 { return true }
      if ready < 0 && errno != EINTR { return false }
    }
  }

  /// Sets `SO_RCVTIMEO`/`SO_SNDTIMEO` to the time left before `deadline`; false when none is left.
  static func armTimeouts(_ fd: Int32, deadline: UInt64) -> Bool {
    let now = MonotonicClock.now()
    guard now < deadline else { return false }
    let left = deadline - now
    var tv = timeval(tv_sec: Int(left / 1_000_000_000), tv_usec: Int(left % 1_000_000_000 / 1000) + 1)
    let size = socklen_t(MemoryLayout<timeval>.size)
    _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, size)
    _ = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, size)
    return true
  }
}

/// A byte stream the client reads and writes with a deadline. Fetcher-thread only.
private protocol Transport {
  /// Appends what arrived to `buffer`; returns the count (0 = peer closed).
  func read(into buffer: inout [UInt8], fd: Int32, deadline: UInt64) throws(JWKSHTTPClient.Failure) -> Int
  func write(_ bytes: [UInt8], fd: Int32, deadline: UInt64) throws(JWKSHTTPClient.Failure)
}

private struct PlainTransport: Transport {
  let fd: Int32

  func read(into buffer: inout [UInt8], fd: Int32, deadline: UInt64) throws(JWKSHTTPClient.Failure) -> Int {
    guard JWKSHTTPClient.waitFor(fd, events: Int16(POLLIN), deadline: deadline) else {
      throw JWKSHTTPClient.Failure("timed out")
    }
    var chunk = [UInt8](repeating: 0, count: 16384)
    let count = chunk.withUnsafeMutableBytes { Glibc.recv(fd, $0.baseAddress, $0.count, 0) }
    if count < 0 { throw JWKSHTTPClient.Failure("recv: \(String(cString: strerror(errno)))") }
    buffer.append(contentsOf: chunk[0..<count])
    return count
  }

  func write(_ bytes: [UInt8], fd: Int32, deadline: UInt64) throws(JWKSHTTPClient.Failure) {
    guard JWKSHTTPClient.armTimeouts(fd, deadline: deadline) else {
      throw JWKSHTTPClient.Failure("timed out")
    }
    var offset = 0
    while offset < bytes.count {
      let sent = bytes.withUnsafeBytes {
        Glibc.send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL))
      }
      if sent < 0 {
        if errno == EINTR { continue }
        throw JWKSHTTPClient.Failure("send: \(String(cString: strerror(errno)))")
      }
      offset += sent
    }
  }
}

private struct TLSTransport: Transport {
  let stream: TLSStream

  func read(into buffer: inout [UInt8], fd: Int32, deadline: UInt64) throws(JWKSHTTPClient.Failure) -> Int {
    guard JWKSHTTPClient.armTimeouts(fd, deadline: deadline) else {
      throw JWKSHTTPClient.Failure("timed out")
    }
    var chunk = [UInt8](repeating: 0, count: 16384)
    let count: Int
    do {
      count = try chunk.withUnsafeMutableBytes { raw in try stream.read(into: raw) }
    } catch {
      throw JWKSHTTPClient.Failure("TLS: \(error)")
    }
    buffer.append(contentsOf: chunk[0..<count])
    return count
  }

  func write(_ bytes: [UInt8], fd: Int32, deadline: UInt64) throws(JWKSHTTPClient.Failure) {
    guard JWKSHTTPClient.armTimeouts(fd, deadline: deadline) else {
      throw JWKSHTTPClient.Failure("timed out")
    }
    do {
      try bytes.withUnsafeBytes { raw in try stream.write(raw) }
    } catch {
      throw JWKSHTTPClient.Failure("TLS: \(error)")
    }
  }
}
