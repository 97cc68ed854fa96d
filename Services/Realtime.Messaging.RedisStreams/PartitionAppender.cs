using System.Diagnostics;
using Realtime.Messaging.Log;
using Realtime.Messaging.Telemetry;
using StackExchange.Redis;
using Realtime.Redis;

namespace Realtime.Messaging.RedisStreams;

/// <summary>
/// Appends to one partition's stream with group commit: while an XADD is in flight, records that
/// arrive wait and then go together as one entry, so under load a partition costs one round trip
/// per batch instead of one per record, and with no load a record goes out at once. Every record
/// is acknowledged only when the entry holding it is in the stream; records of one partition
/// keep the order they were appended in.
/// </summary>
internal sealed class PartitionAppender(IDatabase db, RedisKey stream, string topic, int partition, MessagingOptions options)
{
    // Appends one entry unless the stream already holds ARGV[1] entries (then a nil reply).
    private const string AppendUnlessFullScript = """
        if redis.call('XLEN', KEYS[1]) >= tonumber(ARGV[1]) then
          return false
        end
        return redis.call('XADD', KEYS[1], '*', unpack(ARGV, 2))
        """;

    // Nobody consumes dead letters: there the oldest give way instead.
    private readonly bool _capped = topic.EndsWith(LogTopics.DeadLetter(""), StringComparison.Ordinal);

    private readonly Lock _gate = new();
    private List<PendingAppend> _queued = [];
    private List<PendingAppend> _spare = [];
    private int _queuedBytes;
    private bool _writing;

    public Task AppendAsync(LogRecord record) => Enqueue(new AppendGroup(1), record, null);

    /// <summary>Appends the records together (in one entry, when they fit) and completes once all are in.</summary>
    public Task AppendAsync(IReadOnlyList<LogRecord> records)
    {
        var group = new AppendGroup(records.Count);
        return Enqueue(group, null, records);
    }

    private Task Enqueue(AppendGroup group, LogRecord? single, IReadOnlyList<LogRecord>? several)
    {
        var started = Stopwatch.GetTimestamp();
        lock (_gate)
        {
            if (single is not null)
            {
                _queued.Add(new PendingAppend(single, started, group));
                _queuedBytes += single.Payload.Length;
            }
            else
            {
                foreach (var record in several!)
                {
                    _queued.Add(new PendingAppend(record, started, group));
                    _queuedBytes += record.Payload.Length;
                }
            }

            if (_writing)
            {
                return group.Completion.Task;
            }

            _writing = true;
        }

        _ = WriteLoopAsync();
        return group.Completion.Task;
    }

    private async Task WriteLoopAsync()
    {
        while (true)
        {
            List<PendingAppend> batch;
            lock (_gate)
            {
                if (_queued.Count == 0)
                {
                    _writing = false;
                    return;
                }

                batch = TakeBatch();
            }

            await WriteAsync(batch);
            batch.Clear();
            lock (_gate)
            {
                _spare = batch;
            }
        }
    }

    /// <summary>Takes queued records up to the entry limits, oldest first (caller holds the lock).</summary>
    private List<PendingAppend> TakeBatch()
    {
        if (_queued.Count <= options.RedisStreamMaxEntryRecords && _queuedBytes <= options.RedisStreamMaxEntryBytes)
        {
            var all = _queued;
            _queued = _spare;
            _queuedBytes = 0;
            return all;
        }

        var batch = new List<PendingAppend>();
        var bytes = 0;
        var take = 0;
        while (take < _queued.Count && take < options.RedisStreamMaxEntryRecords
            && (take == 0 || bytes + _queued[take].Record.Payload.Length <= options.RedisStreamMaxEntryBytes))
        {
            bytes += _queued[take].Record.Payload.Length;
            batch.Add(_queued[take++]);
        }

        _queued.RemoveRange(0, take);
        _queuedBytes -= bytes;
        return batch;
    }

    /// <summary>What the port promises its callers: an outage, a refusal, or the log being full; never a Redis type.</summary>
    private static Exception ToLogFailure(Exception e, RedisKey stream) => e switch
    {
        LogFullException => e,
        _ when RedisFailures.IsOutage(e) => new LogUnavailableException($"Redis did not take the append to {stream}: {e.Message}", e),
        RedisException => new LogRejectedException($"Redis refused the append to {stream}: {e.Message}", e),
        _ => e,
    };

    private async Task WriteAsync(List<PendingAppend> batch)
    {
        var records = new LogRecord[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            records[i] = batch[i].Record;
        }

        try
        {
            if (_capped)
            {
                await db.StreamAddAsync(stream, LogEntryFields.Encode(records),
                    maxLength: options.RedisStreamMaxLength, useApproximateMaxLength: true);
            }
            else if ((await db.ScriptEvaluateAsync(AppendUnlessFullScript, [stream], Arguments(records))).IsNull)
            {
                MessagingTelemetry.AppendsRefused.Add(batch.Count, new KeyValuePair<string, object?>("messaging.destination.name", topic));
                throw new LogFullException(topic, partition, options.RedisStreamMaxLength);
            }
        }
        catch (Exception e)
        {
            var failure = ToLogFailure(e, stream);
            foreach (var pending in batch)
            {
                pending.Group.Completion.TrySetException(failure);
            }

            return;
        }

        var destination = new KeyValuePair<string, object?>("messaging.destination.name", topic);
        MessagingTelemetry.Appended.Add(batch.Count, destination);
        MessagingTelemetry.AppendBatchSize.Record(batch.Count, destination);
        var now = Stopwatch.GetTimestamp();
        foreach (var pending in batch)
        {
            MessagingTelemetry.AppendDuration.Record(Stopwatch.GetElapsedTime(pending.Started, now).TotalSeconds, destination);
            // Continuations run here, one after another: an acknowledgement costs no thread hop.
            pending.Group.RecordWritten();
        }
    }

    /// <summary>The script's arguments: the length limit, then the entry's fields as name, value pairs.</summary>
    private RedisValue[] Arguments(LogRecord[] records)
    {
        var fields = LogEntryFields.Encode(records);
        var arguments = new RedisValue[1 + 2 * fields.Length];
        arguments[0] = options.RedisStreamMaxLength;
        for (var i = 0; i < fields.Length; i++)
        {
            arguments[1 + 2 * i] = fields[i].Name;
            arguments[2 + 2 * i] = fields[i].Value;
        }

        return arguments;
    }

    private readonly record struct PendingAppend(LogRecord Record, long Started, AppendGroup Group);

    /// <summary>The records of one append call: done when the last of them is written.</summary>
    private sealed class AppendGroup(int records)
    {
        private int _remaining = records;

        public TaskCompletionSource Completion { get; } = new();

        public void RecordWritten()
        {
            if (Interlocked.Decrement(ref _remaining) == 0)
            {
                Completion.TrySetResult();
            }
        }
    }
}
