import COpenSSL
import Glibc

/// A TLS client configuration: TLS 1.2 or newer, peer verification against the system trust
/// store (`SSL_CTX_set_default_verify_paths`) plus an optional PEM CA file. Thread-safe after
/// `init` (OpenSSL allows sharing an `SSL_CTX` between threads while it is not modified).
///
/// Meant for blocking use on a background thread (the JWKS fetcher): `connect` runs the
/// handshake on a connected blocking socket whose timeouts the caller has set
/// (`SO_RCVTIMEO`/`SO_SNDTIMEO`); it never runs on an event-loop thread.
public final class TLSClientContext: @unchecked Sendable {
  let ctx: OpaquePointer

  /// `caFile`: extra trusted roots (PEM); the system store is trusted as well.
  public init(caFile: String? = nil) throws(CryptoError) {
    guard let ctx = SSL_CTX_new(TLS_client_method()) else { throw CryptoError.drain("SSL_CTX_new") }
    self.ctx = ctx
    // SSL_CTX_set_min_proto_version is a macro over SSL_CTX_ctrl.
    guard SSL_CTX_ctrl(ctx, SSL_CTRL_SET_MIN_PROTO_VERSION, Int(TLS1_2_VERSION), nil) == 1 else {
      throw CryptoError.drain("SSL_CTX_set_min_proto_version")
    }
    // A host without a usable system store still works with ca_file, so this may fail quietly.
    if SSL_CTX_set_default_verify_paths(ctx) != 1 { OpenSSLErrorQueue.clear() }
    if let caFile {
      guard SSL_CTX_load_verify_locations(ctx, caFile, nil) == 1 else {
        throw CryptoError.drain("SSL_CTX_load_verify_locations(\(caFile))")
      }
    }
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nil)
  }

  deinit { SSL_CTX_free(ctx) }

  /// Runs the handshake over the connected socket `fd` (not closed by the stream), sending
  /// `host` as SNI and checking the certificate chain and that the certificate names `host`
  /// (a DNS name, or an IP address for IP literals).
  public func connect(fd: Int32, host: String) throws(CryptoError) -> TLSStream {
    guard let ssl = SSL_new(ctx) else { throw CryptoError.drain("SSL_new") }
    let stream = TLSStream(ssl: ssl)
    let isIPLiteral = host.contains(":") || host.split(separator: ".").allSatisfy { UInt8($0) != nil }
    if isIPLiteral {
      guard let param = SSL_get0_param(ssl), X509_VERIFY_PARAM_set1_ip_asc(param, host) == 1 else {
        throw CryptoError.drain("X509_VERIFY_PARAM_set1_ip_asc")
      }
    } else {
      // SSL_set_tlsext_host_name is a macro over SSL_ctrl.
      let sni = host.withCString {
        SSL_ctrl(
          ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, Int(TLSEXT_NAMETYPE_host_name),
          UnsafeMutableRawPointer(mutating: $0))
      }
      guard sni == 1 else { throw CryptoError.drain("SSL_set_tlsext_host_name") }
      guard SSL_set1_host(ssl, host) == 1 else { throw CryptoError.drain("SSL_set1_host") }
    }
    guard SSL_set_fd(ssl, fd) == 1 else { throw CryptoError.drain("SSL_set_fd") }
    guard SSL_connect(ssl) == 1 else {
      let verify = SSL_get_verify_result(ssl)
      if verify != X509_V_OK {
        let text = X509_verify_cert_error_string(verify).map { String(cString: $0) } ?? "code \(verify)"
        OpenSSLErrorQueue.clear()
        throw CryptoError(call: "SSL_connect", openSSLErrors: ["certificate verify failed: \(text)"])
      }
      throw CryptoError.drain("SSL_connect")
    }
    return stream
  }
}

/// One client TLS session over a blocking socket. Single-thread use (the thread that made it).
public final class TLSStream {
  let ssl: OpaquePointer

  init(ssl: OpaquePointer) { self.ssl = ssl }

  deinit { SSL_free(ssl) }

  /// Reads up to `buffer.count` bytes; 0 means the peer closed (cleanly or not — the HTTP
  /// framing decides whether the body was complete). Throws on timeouts and TLS errors.
  public func read(into buffer: UnsafeMutableRawBufferPointer) throws(CryptoError) -> Int {
    var count = 0
    let ok = SSL_read_ex(ssl, buffer.baseAddress, buffer.count, &count)
    if ok == 1 { return count }
    let code = SSL_get_error(ssl, ok)
    if code == SSL_ERROR_ZERO_RETURN { return 0 }
    if code == SSL_ERROR_SYSCALL && ERR_peek_error() == 0 {
      // A receive timeout (SO_RCVTIMEO) surfaces as EAGAIN; anything else is an unclean close.
      if errno == EAGAIN || errno == EWOULDBLOCK {
        throw CryptoError(call: "SSL_read", openSSLErrors: ["timed out"])
      }
      return 0
    }
    throw CryptoError.drain("SSL_read (error \(code))")
  }

  /// Writes all of `bytes`.
  public func write(_ bytes: UnsafeRawBufferPointer) throws(CryptoError) {
    var offset = 0
    while offset < bytes.count {
      var written = 0
      let ok = SSL_write_ex(ssl, bytes.baseAddress! + offset, bytes.count - offset, &written)
      guard ok == 1 else { throw CryptoError.drain("SSL_write (error \(SSL_get_error(ssl, ok)))") }
      offset += written
    }
  }

  /// Sends close_notify (best effort).
  public func shutdown() { _ = SSL_shutdown(ssl) }
}
