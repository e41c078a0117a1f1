/// One subscribed channel on a connection: the privdata of hiredis' subscription callback
/// (passed unretained; the adapter keeps it until the context is gone). Loop-thread only.
///
/// hiredis 0.14 can hand this callback replies meant for other callbacks (#1040), so every
/// reply is checked: `["subscribe", channel, n]` confirms, `["message", channel, payload]`
/// delivers; anything else is dropped.
final class RedisSubscription {
  let channel: [UInt8]
  let onSubscribed: () -> Void
  let onMessage: (RedisReply) -> Void

  init(channel: [UInt8], onSubscribed: @escaping () -> Void, onMessage: @escaping (RedisReply) -> Void) {
    self.channel = channel
    self.onSubscribed = onSubscribed
    self.onMessage = onMessage
  }

  func deliver(_ reply: RedisReply) {
    guard case .array(let items) = reply, items.count == 3, items[1].bytes == channel else { return }
    switch items[0].bytes {
    case Array("message".utf8)?: onMessage(items[2])
    case Array("subscribe".utf8)?: onSubscribed()
    default: return
    }
  }
}
