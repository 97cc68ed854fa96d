-- Drops a channel's expired entries, then returns {entries (flat field/value list), number of
-- distinct users, expired entries' JSON}. KEYS: entries hash, expiries zset, users hash.
-- ARGV: now (Unix ms), "1" to return the entries or "0" for counts only.
local expired = {}
local stale = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1])
for _, client in ipairs(stale) do
  local entry = redis.call('HGET', KEYS[1], client)
  redis.call('ZREM', KEYS[2], client)
  if entry then
    redis.call('HDEL', KEYS[1], client)
    local user = cjson.decode(entry)['user'] or ''
    if redis.call('HINCRBY', KEYS[3], user, -1) <= 0 then
      redis.call('HDEL', KEYS[3], user)
    end
    table.insert(expired, entry)
  end
end
local count = redis.call('HLEN', KEYS[1])
if count == 0 then
  redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
end
local entries = {}
if ARGV[2] == '1' then
  entries = redis.call('HGETALL', KEYS[1])
end
return {entries, redis.call('HLEN', KEYS[3]), expired, count}
