import CHiredis

extension RedisReply {
  /// Deep-copies a hiredis reply.
  init(copying reply: UnsafePointer<redisReply>) {
    let r = reply.pointee
    switch r.type {
    case REDIS_REPLY_STRING: self = .bulk(RedisReply.copyBytes(r.str, r.len))
    case REDIS_REPLY_STATUS: self = .status(RedisReply.copyBytes(r.str, r.len))
    case REDIS_REPLY_ERROR: self = .error(RedisReply.copyBytes(r.str, r.len))
    case REDIS_REPLY_INTEGER: self = .integer(Int64(r.integer))
    case REDIS_REPLY_ARRAY:
      var items: [RedisReply] = []
      items.reserveCapacity(r.elements)
      for i in 0..<r.elements {
        if let element = r.element[i] {
          items.append(RedisReply(copying: element))
        } else {
          items.append(.null)
        }
      }
      self = .array(items)
    default: self = .null
    }
  }

  private static func copyBytes(_ pointer: UnsafeMutablePointer<CChar>?, _ count: Int) -> [UInt8] {
    guard let pointer, count > 0 else { return [] }
    return [UInt8](UnsafeRawBufferPointer(start: pointer, count: count))
  }
}
