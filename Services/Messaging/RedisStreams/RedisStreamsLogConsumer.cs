using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Realtime.Messaging.Log;
using StackExchange.Redis;

namespace Realtime.Messaging.RedisStreams;

/// <summary>
/// One member of a consumer group reading a partitioned topic. It holds leases on its share of
/// the partitions (see <see cref="PartitionLeases"/>); on taking a partition over it first
/// handles what the previous holder left unacknowledged, then new entries. Entries are
/// acknowledged (XACK) only after the handler succeeded (or the record was dead-lettered).
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

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var db = redis.GetDatabase();
        var leases = new PartitionLeases(db, handler.Topic, handler.ConsumerGroup, _member, settings.RedisStreamPartitions, settings.RedisStreamLeaseTtl);
        // XREADGROUP ... BLOCK occupies its connection, so blocking reads get a connection of their own.
        await using var blocking = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        var reader = new RedisStreamReader(blocking.GetDatabase(), handler.ConsumerGroup, _member);
        using var renewing = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var renewal = RenewWhileRunningAsync(leases, renewing.Token);
        var nextRebalance = DateTime.MinValue;

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
                        foreach (var partition in await leases.RebalanceAsync())
                        {
                            await TakeOverAsync(db, leases, partition, stoppingToken);
                        }

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
                    foreach (var (stream, entries) in read)
                    {
                        var partition = Array.IndexOf(streams, stream);
                        if (entries.Length > 0 && partition >= 0)
                        {
                            await HandleAsync(db, leases, owned[partition], entries, stoppingToken);
                        }
                    }
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception e)
                {
                    // Keep consuming whatever went wrong: entries stay pending and are read again.
                    LogReadFailed(e, handler.Topic);
                    await Task.Delay(settings.RetryDelay, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                }
            }
        }
        finally
        {
            await renewing.CancelAsync();
            await renewal.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            // Hand the partitions over now rather than after the leases expire.
            await leases.ReleaseAllAsync().WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>A newly held partition: create its group if needed, then handle what was left unacknowledged.</summary>
    private async Task TakeOverAsync(IDatabase db, PartitionLeases leases, int partition, CancellationToken stoppingToken)
    {
        var stream = RedisStreamKeys.Partition(handler.Topic, partition);
        await EnsureGroupAsync(db, stream);
        while (true)
        {
            var pending = await RedisStreamReader.ClaimAllPendingAsync(db, stream, handler.ConsumerGroup, _member, options.Value.BatchSize);
            if (pending.Length == 0)
            {
                return;
            }

            LogTookOver(handler.Topic, partition, pending.Length);
            await HandleAsync(db, leases, partition, pending, stoppingToken);
        }
    }

    private async Task HandleAsync(IDatabase db, PartitionLeases leases, int partition, StreamEntry[] entries, CancellationToken stoppingToken)
    {
        // Fencing: a member that lost its lease (a long pause) must not handle records another member now owns.
        if (!await leases.StillHoldsAsync(partition))
        {
            return;
        }

        var batch = new LogRecord[entries.Length];
        var ids = new RedisValue[entries.Length];
        for (var i = 0; i < entries.Length; i++)
        {
            batch[i] = ToRecord(entries[i]);
            ids[i] = entries[i].Id;
        }

        await _processor.HandleAsync(batch, stoppingToken);
        await db.StreamAcknowledgeAsync(RedisStreamKeys.Partition(handler.Topic, partition), handler.ConsumerGroup, ids);
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

    private static LogRecord ToRecord(StreamEntry entry)
    {
        string key = "";
        ReadOnlyMemory<byte> payload = default;
        Dictionary<string, string>? headers = null;
        foreach (var field in entry.Values)
        {
            var name = (string)field.Name!;
            if (name == RedisStreamKeys.KeyField) key = (string)field.Value!;
            else if (name == RedisStreamKeys.PayloadField) payload = (byte[])field.Value!;
            else if (name.StartsWith(RedisStreamKeys.HeaderPrefix, StringComparison.Ordinal))
            {
                headers ??= new Dictionary<string, string>(StringComparer.Ordinal);
                headers[name[RedisStreamKeys.HeaderPrefix.Length..]] = (string)field.Value!;
            }
        }

        return new LogRecord(key, payload, headers ?? LogRecord.NoHeaders);
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

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    [LoggerMessage(Level = LogLevel.Information, Message = "Consuming {Topic} as group {Group}, member {Consumer}")]
    private partial void LogStarted(string topic, string group, string consumer);

    [LoggerMessage(Level = LogLevel.Information, Message = "Took over partition {Partition} of {Topic} with {Count} unacknowledged records")]
    private partial void LogTookOver(string topic, int partition, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading {Topic} failed; retrying")]
    private partial void LogReadFailed(Exception exception, string topic);
}
