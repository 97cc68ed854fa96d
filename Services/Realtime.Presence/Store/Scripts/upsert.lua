-- A client is (still) present in a channel: store its entry, push its expiry back, count its
-- user once per client. KEYS: entries hash, expiries zset, users hash.
-- ARGV: client, entry JSON, user, expires-at (Unix ms), key TTL (ms).
-- Returns 1 when the client was not present before (a join), else 0 (a refresh).
local isNew = redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[1])
if isNew == 1 then
  redis.call('HINCRBY', KEYS[3], ARGV[3], 1)
end
-- The keys outlive their newest entry a little, so an abandoned channel cleans itself up.
for i = 1, 3 do
  redis.call('PEXPIRE', KEYS[i], ARGV[5])
end
return isNew
