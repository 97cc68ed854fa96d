-- The Redis Streams log's part in a handler's script (RedisStreamsBatchCompletion): before the
-- handler writes, check that the reader still holds the batch's partitions, with nothing another
-- reader took pending there, and that every output stream has room; after, append the handler's
-- output records (one entry per stream, records laid out as LogEntryFields lays them out) and
-- acknowledge the batch.
--
-- KEYS from k: lease and log stream per partition P; then the output streams S.
-- ARGV from a: reader, consumer group, most entries an output stream holds, P, S; then per
--   partition: entry count E and the E entry ids to acknowledge.

local function part_check(k, a)
  local reader, group, maxLen = ARGV[a + 1], ARGV[a + 2], tonumber(ARGV[a + 3])
  local partitions, outputs = tonumber(ARGV[a + 4]), tonumber(ARGV[a + 5])
  for p = 1, partitions do
    if redis.call('GET', KEYS[k + 2 * p - 1]) ~= reader then
      return 'fenced'
    end
    local summary = redis.call('XPENDING', KEYS[k + 2 * p], group)
    if summary[4] then
      for _, consumer in ipairs(summary[4]) do
        if consumer[1] ~= reader then
          return 'fenced'
        end
      end
    end
  end
  -- A full stream refuses rather than trims what its consumers have not read.
  for s = 1, outputs do
    if redis.call('XLEN', KEYS[k + 2 * partitions + s]) >= maxLen then
      return 'full'
    end
  end
  return nil
end

local function part_commit(k, a, outputs)
  local group = ARGV[a + 2]
  local partitions = tonumber(ARGV[a + 4])
  local entries = {}
  for _, record in ipairs(outputs) do
    local fields = entries[record[1]]
    if not fields then
      fields = {}
      entries[record[1]] = fields
    end
    fields[#fields + 1] = 'k'
    fields[#fields + 1] = record[2]
    fields[#fields + 1] = 'p'
    fields[#fields + 1] = record[3]
    local headers = record[4]
    for h = 1, #headers, 2 do
      fields[#fields + 1] = 'h:' .. headers[h]
      fields[#fields + 1] = headers[h + 1]
    end
  end
  for slot, fields in pairs(entries) do
    redis.call('XADD', KEYS[k + 2 * partitions + slot], '*', unpack(fields))
  end
  local cursor = a + 6
  for p = 1, partitions do
    local count = tonumber(ARGV[cursor])
    redis.call('XACK', KEYS[k + 2 * p], group, unpack(ARGV, cursor + 1, cursor + count))
    cursor = cursor + 1 + count
  end
end
