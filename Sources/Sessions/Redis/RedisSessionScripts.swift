/// The Lua scripts behind `RedisSessionStore`: one atomic script per store operation
/// (docs/redis.md §6 data model, §7 operations).
/// Immutable.
///
/// Data model (all keys carry the store's prefix, e.g. `gh:`):
/// - `<prefix>s:{tag}:<hex>` HASH, a live session: `t`="s", `v` = sealed bytes, and the summary
///   `c` created, `a` lastAccess, `e` expiresAt (decimal ns, the caller's clock, as given), `i` ip
///   prefix, `u` UA summary, `h` log hash. Expires (PEXPIREAT) with its index score.
/// - the same key as a forwarding record after a rotation: `t`="f", `n` = the successor's store
///   key, `f` = the sealed forwarding record; PEXPIRE = grace.
/// - `<prefix>u:{tag}` ZSET: member = store key (without prefix), score = the session's deadline
///   in µs of the REDIS SERVER clock. Authoritative: a session is alive only while its member's
///   score is in the future (`ZSCORE > now`). Its own TTL follows its largest score.
///
/// Time: every script reads `TIME` (µs, fits a Lua double exactly) and turns the caller's
/// `expiresAt − now` into a server deadline, so replicas' clock skew never matters. Numbers
/// that do not fit a double (the caller's ns timestamps) stay decimal strings and are compared
/// with `cmp` (sign, then length, then digits); numbers handed to Redis are formatted with
/// `%.0f` (Lua's own number formatting would print `1.7e+15`).
///
/// Scripts that evict, list or revoke address value keys built from index members
/// (`prefix .. member`); they share the index's `{tag}`, so they live in the same Cluster slot.
enum RedisSessionScripts {
  static let prelude = """
    local function nowus()
      local t = redis.call('TIME')
      return tonumber(t[1]) * 1000000 + tonumber(t[2])
    end
    local function num(x) return string.format('%.0f', x) end
    local function cmp(a, b)
      local na, nb = string.sub(a, 1, 1) == '-', string.sub(b, 1, 1) == '-'
      if na ~= nb then if na then return -1 else return 1 end end
      local r
      if a == b then return 0 end
      if #a ~= #b then
        if #a < #b then r = -1 else r = 1 end
      else
        if a < b then r = -1 else r = 1 end
      end
      if na then return -r end
      return r
    end
    local function pxat(us) return num(math.ceil(us / 1000)) end
    local function extendIndex(u, deadline, now)
      local pt = redis.call('PTTL', u)
      if pt < 0 or (now / 1000) + pt < math.ceil(deadline / 1000) then
        redis.call('PEXPIREAT', u, pxat(deadline))
      end
    end
    local function putLive(s, a, deadline)
      redis.call('DEL', s)
      redis.call('HSET', s, 't', 's', 'v', a[1], 'c', a[2], 'a', a[3], 'e', a[4], 'i', a[5], 'u', a[6],
        'h', a[7])
      redis.call('PEXPIREAT', s, pxat(deadline))
    end

    """

  /// KEYS: index, value. ARGV: member, ttl µs, maxPerUser, "e"|"r", prefix, sealed, created,
  /// lastAccess, expiresAt, ip, ua, hash.
  /// Returns {-1} key exists, {0} rejected, {1, evicted...}.
  static let create = RedisScript(
    prelude + """
      if redis.call('EXISTS', KEYS[2]) == 1 then return {-1} end
      local now = nowus()
      redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', num(now))
      local out = {1}
      local max = tonumber(ARGV[3])
      if max > 0 then
        local n = redis.call('ZCARD', KEYS[1])
        if n >= max then
          if ARGV[4] == 'r' then return {0} end
          local popped = redis.call('ZPOPMIN', KEYS[1], n - max + 1)
          for i = 1, #popped, 2 do
            redis.call('DEL', ARGV[5] .. popped[i])
            out[#out + 1] = popped[i]
          end
        end
      end
      local deadline = now + tonumber(ARGV[2])
      putLive(KEYS[2], {ARGV[6], ARGV[7], ARGV[8], ARGV[9], ARGV[10], ARGV[11], ARGV[12]}, deadline)
      redis.call('ZADD', KEYS[1], num(deadline), ARGV[1])
      extendIndex(KEYS[1], deadline, now)
      return out
      """)

  /// KEYS: index, value. ARGV: member.
  /// Returns {0} not found, {1, sealed, created, lastAccess, expiresAt, ip, ua, hash},
  /// {2, successor key, forward}.
  static let load = RedisScript(
    prelude + """
      local f = redis.call('HMGET', KEYS[2], 't', 'v', 'c', 'a', 'e', 'i', 'u', 'h', 'n', 'f')
      if f[1] == 'f' then return {2, f[9], f[10]} end
      if f[1] ~= 's' then return {0} end
      local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
      if not score or tonumber(score) <= nowus() then return {0} end
      return {1, f[2], f[3], f[4], f[5], f[6], f[7], f[8]}
      """)

  /// KEYS: index, value. ARGV: member, lastAccess, expiresAt, ttl µs, throttle cutoff (caller ns).
  /// Returns 0 not found, 1 unchanged (not newer, or throttled), 2 touched.
  static let touch = RedisScript(
    prelude + """
      local f = redis.call('HMGET', KEYS[2], 't', 'a', 'e')
      if f[1] ~= 's' then return 0 end
      local now = nowus()
      local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
      if not score then return 0 end
      score = tonumber(score)
      if score <= now then return 0 end
      local newerAccess = cmp(ARGV[2], f[2]) > 0
      local laterDeadline = cmp(ARGV[3], f[3]) > 0
      if not newerAccess and not laterDeadline then return 1 end
      if cmp(f[2], ARGV[5]) > 0 then return 1 end
      if newerAccess then redis.call('HSET', KEYS[2], 'a', ARGV[2]) end
      if laterDeadline then redis.call('HSET', KEYS[2], 'e', ARGV[3]) end
      local deadline = now + tonumber(ARGV[4])
      if deadline > score then
        redis.call('ZADD', KEYS[1], 'XX', num(deadline), ARGV[1])
        redis.call('PEXPIREAT', KEYS[2], pxat(deadline))
        extendIndex(KEYS[1], deadline, now)
      end
      return 2
      """)

  /// KEYS: index, old value, new value. ARGV: old member, new member, ttl µs, grace ms, forward,
  /// sealed, created, lastAccess, expiresAt, ip, ua, hash.
  /// Returns {-1} new key exists, {0} not found, {1} rotated, {2, successor key, forward}.
  static let rotate = RedisScript(
    prelude + """
      local f = redis.call('HMGET', KEYS[2], 't', 'n', 'f')
      if f[1] == 'f' then return {2, f[2], f[3]} end
      if f[1] ~= 's' then return {0} end
      local now = nowus()
      local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
      if not score or tonumber(score) <= now then return {0} end
      if redis.call('EXISTS', KEYS[3]) == 1 then return {-1} end
      redis.call('ZREM', KEYS[1], ARGV[1])
      local deadline = now + tonumber(ARGV[3])
      putLive(KEYS[3], {ARGV[6], ARGV[7], ARGV[8], ARGV[9], ARGV[10], ARGV[11], ARGV[12]}, deadline)
      redis.call('ZADD', KEYS[1], num(deadline), ARGV[2])
      extendIndex(KEYS[1], deadline, now)
      redis.call('DEL', KEYS[2])
      if tonumber(ARGV[4]) > 0 then
        redis.call('HSET', KEYS[2], 't', 'f', 'n', ARGV[2], 'f', ARGV[5])
        redis.call('PEXPIRE', KEYS[2], ARGV[4])
      end
      return {1}
      """)

  /// KEYS: index, value. ARGV: member. Returns 1 if a live session of this index was removed.
  static let destroy = RedisScript(
    prelude + """
      if redis.call('HGET', KEYS[2], 't') ~= 's' then return 0 end
      if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then return 0 end
      redis.call('DEL', KEYS[2])
      return 1
      """)

  /// KEYS: index. ARGV: prefix. Returns the members (store keys) that were in the index.
  static let revokeAll = RedisScript(
    prelude + """
      local members = redis.call('ZRANGE', KEYS[1], 0, -1)
      for i = 1, #members do redis.call('DEL', ARGV[1] .. members[i]) end
      redis.call('DEL', KEYS[1])
      return members
      """)

  /// KEYS: index. ARGV: prefix. Returns {key, created, lastAccess, expiresAt, ip, ua, hash, ...}
  /// for live members, smallest deadline first.
  static let list = RedisScript(
    prelude + """
      local members = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. num(nowus()), '+inf')
      local out = {}
      for i = 1, #members do
        local f = redis.call('HMGET', ARGV[1] .. members[i], 't', 'c', 'a', 'e', 'i', 'u', 'h')
        if f[1] == 's' then
          out[#out + 1] = members[i]
          for j = 2, 7 do out[#out + 1] = f[j] end
        end
      end
      return out
      """)
}
