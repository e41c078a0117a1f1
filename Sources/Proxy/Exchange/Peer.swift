import Net

/// The client at the other end of a connection.
struct Peer {
  let address: SocketAddress
  /// The address's text, made once per connection (logs, `X-Forwarded-For`).
  let text: [UInt8]

  init(_ address: SocketAddress) {
    self.address = address
    self.text = Array(address.ip.description.utf8)
  }
}
