-- Places one publication in its channel's stream, atomically:
--   deduplicate on the publication id, assign the next offset, append to the recent-history
--   window, and publish to the gateway nodes.
-- KEYS[1] channel meta hash (offset, epoch)   KEYS[2] history stream   KEYS[3] publication-id marker
-- ARGV[1] publication JSON        ARGV[2] history size (0: no history, no offset)
-- ARGV[3] history ttl seconds     ARGV[4] delivery pub/sub channel
-- ARGV[5] dedup window seconds    ARGV[6] meta ttl seconds (0: none)
-- ARGV[7] "1" for sharded pub/sub (SPUBLISH)
-- Returns {1 sequenced | 0 duplicate | -1 stream not started, offset, epoch}. A stream is
-- started by the caller, who knows the durable maximum to continue from.

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
    return {-1, 0, ''}
  end
  offset = redis.call('HINCRBY', KEYS[1], 'offset', 1)
  if tonumber(ARGV[6]) > 0 then
    redis.call('EXPIRE', KEYS[1], ARGV[6])
  end
  redis.call('XADD', KEYS[2], 'MAXLEN', size, string.format('%d-1', offset), 'd', ARGV[1])
  redis.call('EXPIRE', KEYS[2], ARGV[3])
end

redis.call('SET', KEYS[3], offset, 'EX', ARGV[5])
local message = string.format('%d', offset) .. ' ' .. epoch .. '\n' .. ARGV[1]
if ARGV[7] == '1' then
  redis.call('SPUBLISH', ARGV[4], message)
else
  redis.call('PUBLISH', ARGV[4], message)
end
return {1, offset, epoch}
