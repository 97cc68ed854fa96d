using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Realtime.Messaging.Log;
using StackExchange.Redis;
using Realtime.Redis;

namespace Realtime.Messaging.RedisStreams;

/// <summary>
/// One member of a consumer group reading a partitioned topic. It holds leases on its share of
/// the partitions (see <see cref="PartitionLeases"/>); on taking a partition over it first
/// handles what the previous holder left unacknowledged, then new entries. Entries are
/// acknowledged (XACK) only after the handler succeeded (or the record was dead-lettered), and
/// at every rebalance the holder also takes whatever else is pending on its partitions: entries
/// a member read after losing its lease (fencing kept it from handling them) and its own after
/// a failed batch would otherwise never be read again, since new reads only return new entries.
/// </summary>
internal sealed partial class RedisStreamsLogConsumer(
    ILogHandler handler,
    IConnectionMultiplexer redis,
    ILogProducer deadLetters,
    IOptions<MessagingOptions> options,
    ILogger<RedisStreamsLogConsumer> logger) : BackgroundService
{
    private readonly LogRecordProcessor _processor = new(handler, deadLetters, options.Value, logger);
    private readonly string _member = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}";
    private bool? _cluster;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var db = redis.GetDatabase();
        var departed = new DepartedMembers(redis, handler.Topic, handler.ConsumerGroup, _member, settings.RedisStreamPartitions, logger);
        var leases = new PartitionLeases(db, handler.Topic, handler.ConsumerGroup, _member, settings.RedisStreamPartitions, settings.RedisStreamLeaseTtl, departed);
        // XREADGROUP ... BLOCK occupies its connection, so blocking reads get a connection of their own.
        await using var blocking = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        var reader = new RedisStreamReader(blocking.GetDatabase(), handler.ConsumerGroup, _member);
        using var renewing = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var renewal = RenewWhileRunningAsync(leases, renewing.Token);
        var nextRebalance = DateTime.MinValue;
        var acknowledging = Task.CompletedTask;

        LogStarted(handler.Topic, handler.ConsumerGroup, _member);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    if (DateTime.UtcNow >= nextRebalance)
                    {
                        // A safe point: no batch is in flight, so partitions may change hands.
                        var acquired = await leases.RebalanceAsync();
                        foreach (var partition in leases.Owned())
                        {
                            await HandlePendingAsync(db, leases, partition, acquired.Contains(partition), stoppingToken);
                        }

                        await TrimAsync(db, leases.Owned());

                        nextRebalance = DateTime.UtcNow + settings.RedisStreamLeaseTtl / 4;
                    }

                    var owned = leases.Owned();
                    if (owned.Length == 0)
                    {
                        await Task.Delay(settings.RedisStreamLeaseTtl / 4, stoppingToken);
                        continue;
                    }

                    var streams = Array.ConvertAll(owned, p => RedisStreamKeys.Partition(handler.Topic, p));
                    var read = await reader.ReadNewAsync(streams, settings.BatchSize, Min(settings.PollTimeout, settings.RedisStreamLeaseTtl / 4));
                    // The previous batch's acknowledgements went out while this read waited.
                    await acknowledging;
                    acknowledging = Task.CompletedTask;
                    acknowledging = await HandleReadAsync(db, leases, owned, streams, read, stoppingToken);
                    if (handler.BatchLinger > TimeSpan.Zero && !IsFull(read, settings.BatchSize))
                    {
                        await Task.Delay(handler.BatchLinger, stoppingToken);
                    }
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception e)
                {
                    // Keep consuming whatever went wrong: entries stay pending and the next
                    // rebalance, brought forward, hands them to their partition's holder again.
                    LogReadFailed(e, handler.Topic);
                    nextRebalance = DateTime.MinValue;
                    await Task.Delay(settings.RetryDelay, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                }
            }
        }
        finally
        {
            await acknowledging.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            await renewing.CancelAsync();
            await renewal.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            // Hand the partitions over now rather than after the leases expire.
            await leases.ReleaseAllAsync().WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>
    /// Handles a partition's entries that were read but never acknowledged, oldest first, before
    /// any new ones; on a newly held partition (<paramref name="takenOver"/>) these are what the
    /// previous holder left, and the group is created first if the stream has none yet.
    /// </summary>
    private async Task HandlePendingAsync(IDatabase db, PartitionLeases leases, int partition, bool takenOver, CancellationToken stoppingToken)
    {
        var stream = RedisStreamKeys.Partition(handler.Topic, partition);
        if (takenOver)
        {
            await EnsureGroupAsync(db, stream);
        }

        while (true)
        {
            StreamEntry[] pending;
            try
            {
                pending = await RedisStreamReader.ClaimAllPendingAsync(db, stream, handler.ConsumerGroup, _member, options.Value.BatchSize);
            }
            catch (RedisServerException e) when (e.Message.StartsWith("NOGROUP", StringComparison.Ordinal))
            {
                // The stream or its group is gone (Redis restarted empty, the key was deleted).
                await EnsureGroupAsync(db, stream);
                continue;
            }

            if (pending.Length == 0)
            {
                return;
            }

            if (takenOver)
            {
                LogTookOver(handler.Topic, partition, pending.Length);
            }
            else
            {
                LogRecoveredPending(handler.Topic, partition, pending.Length);
            }

            if (!await HandleClaimedAsync(db, leases, partition, pending, stoppingToken))
            {
                return;
            }
        }
    }

    /// <summary>
    /// Handles what one read returned, across partitions, as one batch: every partition with
    /// entries is fenced in one round trip, the records of those still held go to the handler
    /// together (each partition's in log order), and their acknowledgements are sent without
    /// waiting (returned, to be awaited before the next batch), so the next read is not delayed.
    /// </summary>
    private async Task<Task> HandleReadAsync(IDatabase db, PartitionLeases leases, int[] owned, RedisKey[] streams,
        List<(RedisKey Stream, StreamEntry[] Entries)> read, CancellationToken stoppingToken)
    {
        var reads = new List<(int Partition, RedisKey Stream, StreamEntry[] Entries)>(read.Count);
        foreach (var (stream, entries) in read)
        {
            var index = Array.IndexOf(streams, stream);
            if (entries.Length > 0 && index >= 0)
            {
                reads.Add((owned[index], stream, entries));
            }
        }

        if (reads.Count == 0)
        {
            return Task.CompletedTask;
        }

        if (handler is ITransactionalLogHandler transactional && await TryHandleAtomicallyAsync(transactional, reads, stoppingToken))
        {
            return Task.CompletedTask;
        }

        var partitions = new int[reads.Count];
        for (var i = 0; i < reads.Count; i++)
        {
            partitions[i] = reads[i].Partition;
        }

        var fences = await leases.FenceAsync(partitions);
        var records = new List<LogRecord>();
        var handled = new List<(RedisKey Stream, RedisValue[] Ids)>(reads.Count);
        for (var i = 0; i < reads.Count; i++)
        {
            var (partition, stream, entries) = reads[i];
            switch (fences[i])
            {
                case PartitionFence.Lost:
                    // A member that lost its lease (a long pause) must not handle records another
                    // member now owns; they stay pending and the holder takes them at its next rebalance.
                    leases.Forget(partition);
                    LogLeaseLost(handler.Topic, partition, entries.Length);
                    continue;
                case PartitionFence.OthersPending:
                    // A member read older entries after this one took the partition over and was fenced
                    // off: take them and this batch together, in log order, so the channel's order holds.
                    await HandlePendingAsync(db, leases, partition, takenOver: false, stoppingToken);
                    continue;
            }

            LogHandling(handler.Topic, partition, entries.Length);
            var ids = new RedisValue[entries.Length];
            for (var e = 0; e < entries.Length; e++)
            {
                LogEntryFields.Decode(entries[e], records);
                ids[e] = entries[e].Id;
            }

            handled.Add((stream, ids));
        }

        if (handled.Count == 0)
        {
            return Task.CompletedTask;
        }

        await _processor.HandleAsync(records, stoppingToken);
        var acknowledgements = new Task[handled.Count];
        for (var i = 0; i < handled.Count; i++)
        {
            acknowledgements[i] = db.StreamAcknowledgeAsync(handled[i].Stream, handler.ConsumerGroup, handled[i].Ids);
        }

        return Task.WhenAll(acknowledgements);
    }

    /// <summary>
    /// Trims the held partitions below what every consumer group acknowledged, so the log holds
    /// what someone still needs and appends are refused only while consumers lag (see
    /// <see cref="MessagingOptions.RedisStreamMaxLength"/>). A failure only postpones it.
    /// </summary>
    private async Task TrimAsync(IDatabase db, int[] partitions)
    {
        var trims = new Task<long>[partitions.Length];
        for (var i = 0; i < partitions.Length; i++)
        {
            trims[i] = AcknowledgedTrimming.TrimAsync(db, RedisStreamKeys.Partition(handler.Topic, partitions[i]));
        }

        try
        {
            await Task.WhenAll(trims);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            LogTrimFailed(e, handler.Topic);
        }
    }

    /// <summary>
    /// Offers the batch to a handler that can complete it in its own Redis script: fenced, handled
    /// and acknowledged in one call.
    /// Not in Redis Cluster, where every partition has a hash slot of its own and one script may
    /// touch only one. False (the batch then takes the ordinary path) when the handler declined or failed.
    /// </summary>
    private async Task<bool> TryHandleAtomicallyAsync(ITransactionalLogHandler transactional,
        List<(int Partition, RedisKey Stream, StreamEntry[] Entries)> reads, CancellationToken stoppingToken)
    {
        _cluster ??= RedisTopology.IsCluster(redis);
        if (_cluster == true)
        {
            return false;
        }

        var records = new List<LogRecord>();
        var partitions = new RedisStreamsBatchPartition[reads.Count];
        for (var i = 0; i < reads.Count; i++)
        {
            var (partition, stream, entries) = reads[i];
            var ids = new RedisValue[entries.Length];
            for (var e = 0; e < entries.Length; e++)
            {
                LogEntryFields.Decode(entries[e], records);
                ids[e] = entries[e].Id;
            }

            partitions[i] = new RedisStreamsBatchPartition(RedisStreamKeys.Lease(handler.Topic, handler.ConsumerGroup, partition), stream, ids);
        }

        try
        {
            var completion = new RedisStreamsBatchCompletion(_member, handler.ConsumerGroup, handler.Topic, partitions, options.Value);
            if (!await transactional.TryHandleAndCompleteAsync(records, completion, stoppingToken))
            {
                return false;
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            // The ordinary path retries, classifies and dead-letters; an outage is logged there.
            LogAtomicBatchFailed(e, handler.Topic);
            return false;
        }

        _processor.RecordConsumed(records.Count);
        return true;
    }

    /// <summary>
    /// Handles and acknowledges claimed pending entries (every pending entry of the partition,
    /// already in order); false when the lease was lost and the entries left to the new holder.
    /// </summary>
    private async Task<bool> HandleClaimedAsync(IDatabase db, PartitionLeases leases, int partition, StreamEntry[] entries, CancellationToken stoppingToken)
    {
        if (await leases.FenceAsync(partition) == PartitionFence.Lost)
        {
            leases.Forget(partition);
            LogLeaseLost(handler.Topic, partition, entries.Length);
            return false;
        }

        LogHandling(handler.Topic, partition, entries.Length);
        var batch = new List<LogRecord>(entries.Length);
        var ids = new RedisValue[entries.Length];
        for (var i = 0; i < entries.Length; i++)
        {
            LogEntryFields.Decode(entries[i], batch);
            ids[i] = entries[i].Id;
        }

        await _processor.HandleAsync(batch, stoppingToken);
        await db.StreamAcknowledgeAsync(RedisStreamKeys.Partition(handler.Topic, partition), handler.ConsumerGroup, ids);
        return true;
    }

    private async Task RenewWhileRunningAsync(PartitionLeases leases, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(options.Value.RedisStreamLeaseTtl / 3);
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            try
            {
                await leases.RenewAsync();
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                LogReadFailed(e, handler.Topic);
            }
        }
    }

    private async Task EnsureGroupAsync(IDatabase db, RedisKey stream)
    {
        try
        {
            // Position "0": a group created after records were appended still reads them all.
            await db.StreamCreateConsumerGroupAsync(stream, handler.ConsumerGroup, StreamPosition.Beginning, createStream: true);
        }
        catch (RedisServerException e) when (e.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal))
        {
            // Created before.
        }
    }

    private static bool IsFull(List<(RedisKey Stream, StreamEntry[] Entries)> read, int batchSize)
    {
        foreach (var (_, entries) in read)
        {
            if (entries.Length >= batchSize)
            {
                return true;
            }
        }

        return false;
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    [LoggerMessage(Level = LogLevel.Information, Message = "Consuming {Topic} as group {Group}, member {Consumer}")]
    private partial void LogStarted(string topic, string group, string consumer);

    [LoggerMessage(Level = LogLevel.Information, Message = "Took over partition {Partition} of {Topic} with {Count} unacknowledged records")]
    private partial void LogTookOver(string topic, int partition, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Took {Count} records of {Topic} partition {Partition} that were read but never acknowledged")]
    private partial void LogRecoveredPending(string topic, int partition, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost the lease on partition {Partition} of {Topic}; {Count} records left for its new holder")]
    private partial void LogLeaseLost(string topic, int partition, int count);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Handling {Count} records of {Topic} partition {Partition}")]
    private partial void LogHandling(string topic, int partition, int count);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Handling a batch of {Topic} in one call failed; it takes the ordinary path")]
    private partial void LogAtomicBatchFailed(Exception exception, string topic);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Trimming {Topic} below what its consumer groups acknowledged failed; it is tried again at the next rebalance")]
    private partial void LogTrimFailed(Exception exception, string topic);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading {Topic} failed; retrying")]
    private partial void LogReadFailed(Exception exception, string topic);
}
