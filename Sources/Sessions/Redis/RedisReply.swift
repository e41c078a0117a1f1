/// A reply from Redis, copied out of hiredis' `redisReply` (which is only valid during the
/// callback). Immutable.
///
/// A top-level error reply is delivered as `RedisError.server`; `.error` appears only nested,
/// e.g. in the array returned by `EXEC`.
public enum RedisReply: Equatable, Sendable {
  case status([UInt8])
  case error([UInt8])
  case integer(Int64)
  case bulk([UInt8])
  case null
  indirect case array([RedisReply])

  /// The bytes of a bulk or status reply.
  public var bytes: [UInt8]? {
    switch self {
    case .bulk(let b), .status(let b): b
    default: nil
    }
  }

  /// The bytes of a bulk or status reply as UTF-8 text (lossy), for tests and logs.
  public var string: String? { bytes.map { String(decoding: $0, as: UTF8.self) } }

  public var integer: Int64? {
    if case .integer(let value) = self { return value }
    return nil
  }

  public var array: [RedisReply]? {
    if case .array(let items) = self { return items }
    return nil
  }
}
