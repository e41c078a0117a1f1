import CHiredis

/// A hiredis reply read in place, inside its reply callback (the reply is valid only then),
/// instead of being copied into a `RedisReply` tree: for the per-request lookup, whose tree (a
/// dozen arrays) cost more to build and to free than to decode (`RedisLookupReplies`, a
/// `RedisPendingCommand` that reads its replies in place).
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
