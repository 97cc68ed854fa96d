-- Places a batch of publications in their channels' streams, atomically and in order. For each:
--   deduplicate on the publication id, assign the next offset, append to the recent-history
--   window, and publish to the gateway nodes.
-- Run to complete a batch read from the log (the log's part, part_check and part_commit, comes
-- with it: see RedisScriptWithPart), the same call also hands the sequenced publications of
-- history-keeping channels to the part as output records for the history service, and the part
-- checks and acknowledges the batch: one round trip where there would be four. Every
-- precondition is checked before anything is written, so it either does all of that or nothing
-- (then the caller takes the step-by-step path).
--
-- KEYS (after the part's): three per publication i: channel meta hash (offset, epoch), history
--   stream, publication-id marker.
-- ARGV (after the part's): [1] dedup window seconds   [2] meta ttl seconds (0: none)
--   [3] "1" for sharded pub/sub   [4] publications N   [5] "1" when completing a log batch
--   then per publication: publication JSON, history size (0: no history, no offset), history ttl
--   seconds, delivery pub/sub channel, output slot (0: none), channel, header count H and H
--   name/value pairs for its output record.
-- Returns three values per publication: {1 sequenced | 0 duplicate | -1 stream not started,
-- offset, epoch}; a completing call whose preconditions fail returns one value: the part's
-- reason ('fenced', 'full', ...) or 'unstarted'.
-- A stream is started by the caller, who knows the durable maximum to continue from; every later
-- publication of that channel in the batch is left alone too, so the caller can sequence them, in
-- order, once it has started the stream.

local partKeys, partArgs = tonumber(ARGV[1]), tonumber(ARGV[2])
local k, a = partKeys, partArgs + 2
local dedupTtl = ARGV[a + 1]
local metaTtl = tonumber(ARGV[a + 2])
local sharded = ARGV[a + 3] == '1'
local count = tonumber(ARGV[a + 4])
local completing = ARGV[a + 5] == '1'

-- Where each publication's arguments start.
local cursor = a + 6
local args = {}
for i = 1, count do
  args[i] = cursor
  cursor = cursor + 7 + 2 * tonumber(ARGV[cursor + 6])
end

if completing then
  local refused = part_check(0, 2)
  if refused then
    return { refused }
  end
  -- Every stream this batch extends started (the caller starts the others from the durable maximum)?
  for i = 1, count do
    if tonumber(ARGV[args[i] + 1]) > 0 and redis.call('EXISTS', KEYS[k + 3 * i]) == 0
        and redis.call('HEXISTS', KEYS[k + 3 * i - 2], 'epoch') == 0 then
      return { 'unstarted' }
    end
  end
end

local results = {}
local unstarted = {}
local outputs = {}

for i = 1, count do
  local meta, history, marker = KEYS[k + 3 * i - 2], KEYS[k + 3 * i - 1], KEYS[k + 3 * i]
  local at = args[i]
  local payload = ARGV[at]
  local size = tonumber(ARGV[at + 1])
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
        redis.call('EXPIRE', history, ARGV[at + 2])
      end
    end
  end

  local message
  if status == 1 or (status == 0 and offset > 0) then
    -- One concatenation (Lua joins the whole chain at once); offsets print exactly below 2^53.
    message = offset .. ' ' .. epoch .. '\n' .. payload
  end

  if status == 1 then
    redis.call('SET', marker, offset, 'EX', dedupTtl)
    if sharded then
      redis.call('SPUBLISH', ARGV[at + 3], message)
    else
      redis.call('PUBLISH', ARGV[at + 3], message)
    end
  end

  -- Also for duplicates: the first attempt may have died before its output record was appended.
  local slot = tonumber(ARGV[at + 4])
  if slot > 0 and message and offset > 0 then
    local headers = {}
    for h = 1, 2 * tonumber(ARGV[at + 6]) do
      headers[h] = ARGV[at + 6 + h]
    end
    outputs[#outputs + 1] = { slot, ARGV[at + 5], message, headers }
  end

  results[3 * i - 2] = status
  results[3 * i - 1] = offset
  results[3 * i] = epoch
end

if completing then
  part_commit(0, 2, outputs)
end

return results
