-- Places one publication in its channel's stream, atomically:
--   deduplicate on the publication id, assign the next offset (and the epoch on first use),
--   append to the recent-history window, and publish to the gateway nodes.
-- KEYS[1] channel meta hash (offset, epoch)   KEYS[2] history stream   KEYS[3] publication-id marker
-- ARGV[1] publication JSON        ARGV[2] history size (0: no history, no offset)
-- ARGV[3] history ttl seconds     ARGV[4] delivery pub/sub channel
-- ARGV[5] epoch to use if the channel has none   ARGV[6] dedup window seconds
-- ARGV[7] meta ttl seconds (0: none)             ARGV[8] "1" for sharded pub/sub (SPUBLISH)
-- Returns {sequenced (1) or duplicate (0), offset, epoch}.

local seen = redis.call('GET', KEYS[3])
if seen then
  return {0, tonumber(seen), redis.call('HGET', KEYS[1], 'epoch') or ''}
end

local size = tonumber(ARGV[2])
local offset = 0
local epoch = ''
if size > 0 then
  epoch = redis.call('HGET', KEYS[1], 'epoch')
  if not epoch then
    -- A new stream (or one Redis lost): start a new epoch so clients know old positions are void.
    epoch = ARGV[5]
    redis.call('HSET', KEYS[1], 'epoch', epoch)
    redis.call('DEL', KEYS[2])
  end
  offset = redis.call('HINCRBY', KEYS[1], 'offset', 1)
  if tonumber(ARGV[7]) > 0 then
    redis.call('EXPIRE', KEYS[1], ARGV[7])
  end
  redis.call('XADD', KEYS[2], 'MAXLEN', size, string.format('%d-1', offset), 'd', ARGV[1])
  redis.call('EXPIRE', KEYS[2], ARGV[3])
end

redis.call('SET', KEYS[3], offset, 'EX', ARGV[6])
local message = string.format('%d', offset) .. ' ' .. epoch .. '\n' .. ARGV[1]
if ARGV[8] == '1' then
  redis.call('SPUBLISH', ARGV[4], message)
else
  redis.call('PUBLISH', ARGV[4], message)
end
return {1, offset, epoch}
