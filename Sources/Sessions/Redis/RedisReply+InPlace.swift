import CHiredis

/// Reads a command's reply in place, inside hiredis' reply callback (the reply is valid only
/// then), instead of having it copied into a `RedisReply` tree: for the per-request lookup,
/// whose tree (a dozen arrays) cost more to build and to free than to decode. Error replies
/// never reach it (they finish the command as `.server`). It is also the command's completion
/// (`finished`), so a lookup needs no closure. Loop-thread only.
protocol RedisReplyReader: AnyObject {
  /// The reply of the group's command number `index` (0-based, in sending order); may come
  /// after `finished` (a late reply of a timed-out group), to be ignored then.
  func read(_ index: Int, _ reply: UnsafePointer<redisReply>)
  /// Called once, never inside the `send`: nil when every reply was read, else why not
  /// (`.timeout`, `.disconnected`, the first error reply as `.server`, …).
  func finished(_ error: RedisError?)
}

extension UnsafePointer<redisReply> {
  /// The bytes of a string or status reply, valid during the callback; nil for other types.
  var replyBytes: UnsafeRawBufferPointer? {
    let r = pointee
    guard r.type == REDIS_REPLY_STRING || r.type == REDIS_REPLY_STATUS else { return nil }
    guard let str = r.str, r.len > 0 else { return UnsafeRawBufferPointer(start: nil, count: 0) }
    return UnsafeRawBufferPointer(start: str, count: r.len)
  }

  /// Element `index` of an array reply, nil when out of range or not an array.
  func replyElement(_ index: Int) -> UnsafePointer<redisReply>? {
    let r = pointee
    guard r.type == REDIS_REPLY_ARRAY, index < r.elements, let element = r.element[index] else { return nil }
    return UnsafePointer(element)
  }

  var replyElementCount: Int? { pointee.type == REDIS_REPLY_ARRAY ? pointee.elements : nil }

  /// The message of an error reply (empty for other types).
  var replyBytesOfError: UnsafeRawBufferPointer {
    guard pointee.type == REDIS_REPLY_ERROR, let str = pointee.str, pointee.len > 0 else {
      return UnsafeRawBufferPointer(start: nil, count: 0)
    }
    return UnsafeRawBufferPointer(start: str, count: pointee.len)
  }
}
