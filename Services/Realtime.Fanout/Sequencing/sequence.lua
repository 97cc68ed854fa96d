-- Places a batch of publications in their channels' streams, atomically and in order. For each:
--   deduplicate on the publication id, assign the next offset, append to the recent-history
--   window, and publish to the gateway nodes.
-- Run for a batch read from the Redis Streams log (an "atomic batch"), the same call also checks
-- that the reader still holds the batch's partitions, appends the sequenced publications to the
-- sequenced topic for the history service, and acknowledges the batch: one round trip where there
-- would be four. Its preconditions are checked before anything is written, so it either does all
-- of that or nothing (then the caller takes the step-by-step path).
--
-- KEYS: first two per fenced partition (lease, log stream); then three per publication i:
--   channel meta hash (offset, epoch), history stream, publication-id marker; then one per
--   sequenced-topic stream written to.
-- ARGV[1] dedup window seconds   ARGV[2] meta ttl seconds (0: none)   ARGV[3] "1" for sharded pub/sub
-- ARGV[4] fenced partitions F   ARGV[5] publications N   ARGV[6] sequenced-topic streams S
-- ARGV[7] reader (consumer name)   ARGV[8] consumer group   ARGV[9] most entries a sequenced-topic stream holds
-- then per fenced partition: entry count E and the E entry ids to acknowledge;
-- then per publication: publication JSON, history size (0: no history, no offset), history ttl
--   seconds, delivery pub/sub channel, sequenced-topic stream (1-based among the S; 0: none),
--   channel, header count H and H name/value pairs for its sequenced-topic record.
-- Returns three values per publication: {1 sequenced | 0 duplicate | -1 stream not started,
-- offset, epoch}; an atomic batch whose preconditions fail returns {'fenced'}, {'unstarted'} or {'full'}.
-- A stream is started by the caller, who knows the durable maximum to continue from; every later
-- publication of that channel in the batch is left alone too, so the caller can sequence them, in
-- order, once it has started the stream.

local dedupTtl = ARGV[1]
local metaTtl = tonumber(ARGV[2])
local sharded = ARGV[3] == '1'
local fenced, count, sinks = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local reader, group, sinkMaxLen = ARGV[7], ARGV[8], ARGV[9]
local atomic = fenced > 0

-- Where each partition's acknowledgements and each publication's arguments start.
local cursor = 10
local acks = {}
for f = 1, fenced do
  local entries = tonumber(ARGV[cursor])
  acks[f] = { cursor + 1, cursor + entries }
  cursor = cursor + 1 + entries
end
local args = {}
for i = 1, count do
  args[i] = cursor
  cursor = cursor + 7 + 2 * tonumber(ARGV[cursor + 6])
end
local first = 2 * fenced

if atomic then
  -- Still the partitions' holder, with nothing another reader took pending there?
  for f = 1, fenced do
    if redis.call('GET', KEYS[2 * f - 1]) ~= reader then
      return { 'fenced' }
    end
    local summary = redis.call('XPENDING', KEYS[2 * f], group)
    if summary[4] then
      for _, consumer in ipairs(summary[4]) do
        if consumer[1] ~= reader then
          return { 'fenced' }
        end
      end
    end
  end
  -- Every stream this batch extends started (the caller starts the others from the durable maximum)?
  for i = 1, count do
    if tonumber(ARGV[args[i] + 1]) > 0 and redis.call('EXISTS', KEYS[first + 3 * i]) == 0
        and redis.call('HEXISTS', KEYS[first + 3 * i - 2], 'epoch') == 0 then
      return { 'unstarted' }
    end
  end
  -- Room in the sequenced topic (a full partition refuses rather than trims what history has not read)?
  for s = 1, sinks do
    if redis.call('XLEN', KEYS[first + 3 * count + s]) >= tonumber(sinkMaxLen) then
      return { 'full' }
    end
  end
end

local results = {}
local unstarted = {}
local records = {}

for i = 1, count do
  local meta, history, marker = KEYS[first + 3 * i - 2], KEYS[first + 3 * i - 1], KEYS[first + 3 * i]
  local a = args[i]
  local payload = ARGV[a]
  local size = tonumber(ARGV[a + 1])
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
        redis.call('EXPIRE', history, ARGV[a + 2])
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
      redis.call('SPUBLISH', ARGV[a + 3], message)
    else
      redis.call('PUBLISH', ARGV[a + 3], message)
    end
  end

  -- Also for duplicates: the first attempt may have died before its sequenced record was appended.
  local sink = tonumber(ARGV[a + 4])
  if sink > 0 and message and offset > 0 then
    local fields = records[sink]
    if not fields then
      fields = {}
      records[sink] = fields
    end
    fields[#fields + 1] = 'k'
    fields[#fields + 1] = ARGV[a + 5]
    fields[#fields + 1] = 'p'
    fields[#fields + 1] = message
    for h = 1, tonumber(ARGV[a + 6]) do
      fields[#fields + 1] = 'h:' .. ARGV[a + 5 + 2 * h]
      fields[#fields + 1] = ARGV[a + 6 + 2 * h]
    end
  end

  results[3 * i - 2] = status
  results[3 * i - 1] = offset
  results[3 * i] = epoch
end

if atomic then
  for s = 1, sinks do
    if records[s] then
      redis.call('XADD', KEYS[first + 3 * count + s], '*', unpack(records[s]))
    end
  end
  for f = 1, fenced do
    redis.call('XACK', KEYS[2 * f], group, unpack(ARGV, acks[f][1], acks[f][2]))
  end
end

return results
