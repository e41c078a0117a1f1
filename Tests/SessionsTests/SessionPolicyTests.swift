import EventLoop
import Net
import Sessions
import XCTest

final class SessionPolicyTests: XCTestCase {
  let policy = SessionPolicy()
  let clientIP = ip("203.0.113.77")
  let ua = bytes("Mozilla/5.0 test")

  func testDefaults() {
    XCTAssertEqual(policy.idleTimeout, 30 * minute, "idle")
    XCTAssertEqual(policy.absoluteTimeout, 24 * hour, "absolute")
    XCTAssertEqual(policy.rotationInterval, 5 * minute, "rotation")
    XCTAssertEqual(policy.rotationGrace, 10 * second, "grace")
    XCTAssertEqual(policy.touchInterval, minute, "touch")
    XCTAssertEqual(policy.maxPerUser, 3, "cap")
    XCTAssertEqual(policy.onLimit, .evictOldest, "on limit")
    XCTAssertEqual([policy.ipv4Prefix, policy.ipv6Prefix], [24, 64], "prefixes")
    XCTAssertTrue(policy.bindIP && policy.bindUserAgent && policy.csrf, "switches on")
  }

  /// Every boundary: one ns before, exactly at, one ns after.
  func testTimeBoundaries() {
    // A session used recently enough that only the checked boundary matters.
    var lateUse = sampleRecord()
    lateUse.lastAccess = t0 + 24 * hour - 10 * minute
    lateUse.lastRotation = lateUse.lastAccess
    let fresh = sampleRecord()
    let idle = t0 + 30 * minute
    let absolute = t0 + 24 * hour
    let rotation = t0 + 5 * minute
    let touch = t0 + minute
    let cases: [(name: String, record: SessionRecord, now: Int64, expected: SessionPolicy.Decision)] = [
      ("at creation", fresh, t0, .valid(needsTouch: false, needsRotation: false)),
      ("touch: 1 ns before", fresh, touch - 1, .valid(needsTouch: false, needsRotation: false)),
      ("touch: exactly at", fresh, touch, .valid(needsTouch: true, needsRotation: false)),
      ("touch: 1 ns after", fresh, touch + 1, .valid(needsTouch: true, needsRotation: false)),
      ("rotation: 1 ns before", fresh, rotation - 1, .valid(needsTouch: true, needsRotation: false)),
      ("rotation: exactly at", fresh, rotation, .valid(needsTouch: true, needsRotation: true)),
      ("rotation: 1 ns after", fresh, rotation + 1, .valid(needsTouch: true, needsRotation: true)),
      ("idle: 1 ns before", fresh, idle - 1, .valid(needsTouch: true, needsRotation: true)),
      ("idle: exactly at", fresh, idle, .expiredIdle),
      ("idle: 1 ns after", fresh, idle + 1, .expiredIdle),
      ("absolute: 1 ns before", lateUse, absolute - 1, .valid(needsTouch: true, needsRotation: true)),
      ("absolute: exactly at", lateUse, absolute, .expiredAbsolute),
      ("absolute: 1 ns after", lateUse, absolute + 1, .expiredAbsolute),
      ("both passed: absolute wins", fresh, absolute + hour, .expiredAbsolute),
    ]
    for c in cases {
      XCTAssertEqual(
        policy.evaluate(record: c.record, now: c.now, clientIP: clientIP, userAgent: ua), c.expected, c.name)
    }
  }

  func testSwitchedOffRules() {
    var off = SessionPolicy()
    off.idleTimeout = 0
    off.rotationInterval = 0
    off.touchInterval = 0
    let record = sampleRecord()
    XCTAssertEqual(
      off.evaluate(record: record, now: t0 + 20 * hour, clientIP: clientIP, userAgent: ua),
      .valid(needsTouch: true, needsRotation: false), "no idle, no rotation, touch every time")
    XCTAssertEqual(off.expiresAt(record), record.absoluteDeadline, "expiry is the absolute deadline")
  }

  func testExpiresAtAndTouch() {
    var record = sampleRecord()
    XCTAssertEqual(policy.expiresAt(record), t0 + 30 * minute, "idle deadline first")
    record = policy.touched(record, now: t0 + 24 * hour - minute)
    XCTAssertEqual(policy.expiresAt(record), record.absoluteDeadline, "capped by absolute")
    XCTAssertEqual(policy.touched(record, now: t0).lastAccess, record.lastAccess, "never moves back")
    let rotated = policy.rotated(sampleRecord(), now: t0 + 6 * minute)
    XCTAssertEqual(rotated.generation, 1, "generation bumps")
    XCTAssertEqual(rotated.lastRotation, t0 + 6 * minute, "rotation time")
    XCTAssertEqual(
      policy.evaluate(record: rotated, now: t0 + 6 * minute, clientIP: clientIP, userAgent: ua),
      .valid(needsTouch: false, needsRotation: false), "fresh after rotation")
  }

  func testBinding() {
    let v4 = policy.newRecord(
      userID: "u", attributes: [:], now: t0, clientIP: ip("198.51.100.10"), userAgent: ua)
    let v6 = policy.newRecord(
      userID: "u", attributes: [:], now: t0, clientIP: ip("2001:db8:aa:bb::1"), userAgent: ua)
    let mapped = policy.newRecord(
      userID: "u", attributes: [:], now: t0, clientIP: ip("::ffff:192.0.2.5"), userAgent: ua)
    XCTAssertEqual(v4.binding.ipPrefix?.description, "198.51.100.0/24", "v4 prefix")
    XCTAssertEqual(v6.binding.ipPrefix?.description, "2001:db8:aa:bb::/64", "v6 prefix")
    XCTAssertEqual(mapped.binding.ipPrefix?.description, "192.0.2.0/24", "mapped normalised to v4")
    let now = t0 + second
    let cases:
      [(name: String, record: SessionRecord, ip: String, ua: [UInt8]?, expected: SessionPolicy.Decision)] = [
        ("v4 same host", v4, "198.51.100.10", ua, .valid(needsTouch: false, needsRotation: false)),
        ("v4 same /24", v4, "198.51.100.254", ua, .valid(needsTouch: false, needsRotation: false)),
        ("v4 next /24", v4, "198.51.101.10", ua, .bindingMismatch(.ipAddress)),
        ("v4 session from v6 client", v4, "2001:db8::1", ua, .bindingMismatch(.ipAddress)),
        (
          "v4 session from mapped address in /24", v4, "::ffff:198.51.100.99", ua,
          .valid(needsTouch: false, needsRotation: false)
        ),
        ("v6 same /64", v6, "2001:db8:aa:bb:ffff::2", ua, .valid(needsTouch: false, needsRotation: false)),
        ("v6 other /64", v6, "2001:db8:aa:bc::1", ua, .bindingMismatch(.ipAddress)),
        (
          "mapped session from plain v4", mapped, "192.0.2.200", ua,
          .valid(needsTouch: false, needsRotation: false)
        ),
        ("mapped session from other /24", mapped, "::ffff:192.0.3.5", ua, .bindingMismatch(.ipAddress)),
        ("UA changed", v4, "198.51.100.10", bytes("Mozilla/5.0 other"), .bindingMismatch(.userAgent)),
        ("UA missing", v4, "198.51.100.10", nil, .bindingMismatch(.userAgent)),
        ("IP checked before UA", v4, "10.0.0.1", nil, .bindingMismatch(.ipAddress)),
      ]
    for c in cases {
      XCTAssertEqual(
        policy.evaluate(record: c.record, now: now, clientIP: ip(c.ip), userAgent: c.ua), c.expected, c.name)
    }
  }

  func testBindingSwitches() {
    var noIP = SessionPolicy()
    noIP.bindIP = false
    var noUA = SessionPolicy()
    noUA.bindUserAgent = false
    var narrow = SessionPolicy()
    narrow.ipv4Prefix = 32
    let record = sampleRecord()  // bound to 203.0.113.0/24 and a UA
    let other = ip("192.0.2.1")
    let cases:
      [(name: String, policy: SessionPolicy, ip: IPAddress, ua: [UInt8]?, expected: SessionPolicy.Decision)] =
        [
          (
            "IP binding off ignores the stored prefix", noIP, other, ua,
            .valid(needsTouch: false, needsRotation: false)
          ),
          (
            "UA binding off ignores the stored hash", noUA, clientIP, nil,
            .valid(needsTouch: false, needsRotation: false)
          ),
          ("both on", SessionPolicy(), other, nil, .bindingMismatch(.ipAddress)),
        ]
    for c in cases {
      XCTAssertEqual(
        c.policy.evaluate(record: record, now: t0, clientIP: c.ip, userAgent: c.ua), c.expected, c.name)
    }
    XCTAssertNil(noIP.binding(clientIP: clientIP, userAgent: ua).ipPrefix, "no prefix stored when off")
    XCTAssertNil(noUA.binding(clientIP: clientIP, userAgent: ua).userAgentHash, "no UA hash stored when off")
    XCTAssertEqual(
      narrow.binding(clientIP: clientIP, userAgent: ua).ipPrefix?.description, "203.0.113.77/32", "/32")
  }
}
