-- A client leaves a channel (ARGV[2] = "0"), or is dropped because its entry expired
-- (ARGV[2] = now in Unix ms: only if it was not refreshed since). Keeps the user counts right
-- and deletes the channel's keys when the last client goes.
-- KEYS: entries hash, expiries zset, users hash. ARGV: client, expired-before.
-- Returns {removed entry's JSON or false, clients left in the channel}.
if ARGV[2] ~= '0' then
  local score = redis.call('ZSCORE', KEYS[2], ARGV[1])
  if score and tonumber(score) > tonumber(ARGV[2]) then
    return {false, redis.call('HLEN', KEYS[1])}
  end
end
local entry = redis.call('HGET', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
if not entry then
  return {false, redis.call('HLEN', KEYS[1])}
end
redis.call('HDEL', KEYS[1], ARGV[1])
local user = cjson.decode(entry)['user'] or ''
if redis.call('HINCRBY', KEYS[3], user, -1) <= 0 then
  redis.call('HDEL', KEYS[3], user)
end
local left = redis.call('HLEN', KEYS[1])
if left == 0 then
  redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
end
return {entry, left}
