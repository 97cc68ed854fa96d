-- Places a batch of publications in their channels' streams, atomically and in order. For each:
--   deduplicate on the publication id, assign the next offset, append to the recent-history
--   window, and publish to the gateway nodes.
-- KEYS, three per publication i (1-based): [3i-2] channel meta hash (offset, epoch)
--   [3i-1] history stream   [3i] publication-id marker
-- ARGV[1] dedup window seconds   ARGV[2] meta ttl seconds (0: none)   ARGV[3] "1" for sharded pub/sub
-- ARGV, four per publication i from ARGV[4]: publication JSON, history size (0: no history, no
--   offset), history ttl seconds, delivery pub/sub channel
-- Returns three values per publication: {1 sequenced | 0 duplicate | -1 stream not started,
-- offset, epoch}. A stream is started by the caller, who knows the durable maximum to continue
-- from; every later publication of that channel in the batch is left alone too, so the caller
-- can sequence them, in order, once it has started the stream.

local dedupTtl = ARGV[1]
local metaTtl = tonumber(ARGV[2])
local sharded = ARGV[3] == '1'
local results = {}
local unstarted = {}

for i = 1, #KEYS / 3 do
  local meta, history, marker = KEYS[3 * i - 2], KEYS[3 * i - 1], KEYS[3 * i]
  local payload = ARGV[4 * i]
  local size = tonumber(ARGV[4 * i + 1])
  local status, offset, epoch = 1, 0, ''

  local seen = redis.call('GET', marker)
  if seen then
    status, offset, epoch = 0, tonumber(seen), redis.call('HGET', meta, 'epoch') or ''
  elseif unstarted[meta] then
    status = -1
  else
    if size > 0 then
      epoch = redis.call('HGET', meta, 'epoch')
      if not epoch then
        unstarted[meta] = true
        status, epoch = -1, ''
      else
        offset = redis.call('HINCRBY', meta, 'offset', 1)
        if metaTtl > 0 then
          redis.call('EXPIRE', meta, metaTtl)
        end
        redis.call('XADD', history, 'MAXLEN', size, offset .. '-1', 'd', payload)
        redis.call('EXPIRE', history, ARGV[4 * i + 2])
      end
    end

    if status == 1 then
      redis.call('SET', marker, offset, 'EX', dedupTtl)
      -- One concatenation (Lua joins the whole chain at once); offsets print exactly below 2^53.
      local message = offset .. ' ' .. epoch .. '\n' .. payload
      if sharded then
        redis.call('SPUBLISH', ARGV[4 * i + 3], message)
      else
        redis.call('PUBLISH', ARGV[4 * i + 3], message)
      end
    end
  end

  results[3 * i - 2] = status
  results[3 * i - 1] = offset
  results[3 * i] = epoch
end

return results
