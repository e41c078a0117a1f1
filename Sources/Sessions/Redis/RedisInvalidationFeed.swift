/// Where an L1 cache learns that sessions changed in Redis: one `RedisSubscriber` (a single
/// Redis or a Sentinel master) or a `RedisClusterTracking` (one subscriber per cluster master).
/// Loop-thread only.
///
/// Contract: serve cached entries only while `isSubscribed`; `onReset` runs whenever that may
/// have changed (lost or (re-)established), and the cache is flushed each time; `onInvalidate`
/// names changed keys (nil: everything changed).
public protocol RedisInvalidationFeed: AnyObject {
  var onInvalidate: ((_ keys: [[UInt8]]?) -> Void)? { get set }
  var onReset: (() -> Void)? { get set }
  var isSubscribed: Bool { get }
  func start()
  func close()
}

extension RedisSubscriber: RedisInvalidationFeed {}
extension RedisClusterTracking: RedisInvalidationFeed {}
