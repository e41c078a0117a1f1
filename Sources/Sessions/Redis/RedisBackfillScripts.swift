/// The scripts behind `gatehouse migrate` on Redis (docs/migration.md §5): one user at a time,
/// so every key a script touches shares the user's hash tag (one Cluster slot), as in
/// `RedisSessionScripts`, whose data model and helpers they reuse. Immutable.
enum RedisBackfillScripts {
  /// KEYS: index. ARGV: prefix. Returns {member, remaining µs, sealed, created, lastAccess,
  /// expiresAt, ip, ua, hash, ...} for every live session of the index (9 items each).
  static let export = RedisScript(
    RedisSessionScripts.prelude + """
      local now = nowus()
      local members = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. num(now), '+inf', 'WITHSCORES')
      local out = {}
      for i = 1, #members, 2 do
        local f = redis.call('HMGET', ARGV[1] .. members[i], 't', 'v', 'c', 'a', 'e', 'i', 'u', 'h')
        if f[1] == 's' then
          out[#out + 1] = members[i]
          out[#out + 1] = num(tonumber(members[i + 1]) - now)
          for j = 2, 8 do out[#out + 1] = f[j] end
        end
      end
      return out
      """)

  /// KEYS: index, then one value key per session. ARGV: per session, in KEYS order: member,
  /// remaining µs, sealed, created, lastAccess, expiresAt, ip, ua, hash (9 each).
  /// Stores each session whose value key does not exist (a copy, a mirrored write or a rotation
  /// already put something there: left alone) with deadline now + remaining, adds it to the
  /// index, and returns the members it stored. No cap: the exporting store kept it.
  static let `import` = RedisScript(
    RedisSessionScripts.prelude + """
      local now = nowus()
      local copied = {}
      local latest = 0
      for k = 2, #KEYS do
        local a = (k - 2) * 9
        local remaining = tonumber(ARGV[a + 2])
        if remaining > 0 and redis.call('EXISTS', KEYS[k]) == 0 then
          local deadline = now + remaining
          putLive(KEYS[k], {ARGV[a + 3], ARGV[a + 4], ARGV[a + 5], ARGV[a + 6], ARGV[a + 7], ARGV[a + 8],
            ARGV[a + 9]}, deadline)
          redis.call('ZADD', KEYS[1], num(deadline), ARGV[a + 1])
          if deadline > latest then latest = deadline end
          copied[#copied + 1] = ARGV[a + 1]
        end
      end
      if latest > 0 then extendIndex(KEYS[1], latest, now) end
      return copied
      """)
}
