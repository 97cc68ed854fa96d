using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Realtime.Messaging.Log;
using StackExchange.Redis;

namespace Realtime.Messaging.RedisStreams;

/// <summary>
/// Reads one topic as one consumer group member: first its own pending entries (left by a
/// crash), then new ones, claiming entries other members left idle too long. Entries are
/// acknowledged (XACK) only after the handler succeeded.
/// </summary>
internal sealed partial class RedisStreamsLogConsumer(
    ILogHandler handler,
    IConnectionMultiplexer redis,
    ILogProducer deadLetters,
    IOptions<MessagingOptions> options,
    ILogger<RedisStreamsLogConsumer> logger) : BackgroundService
{
    /// <summary>Entries pending this long on another member are taken over (its process is presumed dead).</summary>
    internal TimeSpan ClaimIdleTime { get; init; } = TimeSpan.FromSeconds(30);

    private readonly LogRecordProcessor _processor = new(handler, deadLetters, options.Value, logger);
    private readonly string _consumerName = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var key = RedisStreamKeys.Topic(handler.Topic);
        var db = redis.GetDatabase();
        await EnsureGroupAsync(db, key);

        // XREADGROUP ... BLOCK occupies its connection, so blocking reads get a connection of their own.
        await using var blocking = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        var reader = new RedisStreamReader(blocking.GetDatabase(), key, handler.ConsumerGroup, _consumerName);
        var batchSize = options.Value.BatchSize;
        var nextClaim = DateTime.UtcNow;

        LogStarted(handler.Topic, handler.ConsumerGroup, _consumerName);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                IReadOnlyList<StreamEntry> entries;
                if (DateTime.UtcNow >= nextClaim)
                {
                    entries = await reader.ClaimIdleAsync(db, ClaimIdleTime, batchSize);
                    nextClaim = DateTime.UtcNow + (ClaimIdleTime > TimeSpan.Zero ? ClaimIdleTime / 3 : TimeSpan.FromMilliseconds(100));
                    if (entries.Count == 0)
                    {
                        entries = await reader.ReadPendingAsync(db, batchSize);
                    }
                }
                else
                {
                    entries = await reader.ReadNewAsync(batchSize, options.Value.PollTimeout);
                }

                if (entries.Count > 0)
                {
                    await HandleUntilDoneAsync(db, key, entries, stoppingToken);
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
                await Task.Delay(options.Value.RetryDelay, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private async Task HandleUntilDoneAsync(IDatabase db, RedisKey key, IReadOnlyList<StreamEntry> entries, CancellationToken stoppingToken)
    {
        var batch = new LogRecord[entries.Count];
        var ids = new RedisValue[entries.Count];
        for (var i = 0; i < entries.Count; i++)
        {
            batch[i] = ToRecord(entries[i]);
            ids[i] = entries[i].Id;
        }

        await _processor.HandleAsync(batch, stoppingToken);
        await db.StreamAcknowledgeAsync(key, handler.ConsumerGroup, ids);
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

    private async Task EnsureGroupAsync(IDatabase db, RedisKey key)
    {
        try
        {
            // Position "0": a group created after records were appended still reads them all.
            await db.StreamCreateConsumerGroupAsync(key, handler.ConsumerGroup, StreamPosition.Beginning, createStream: true);
        }
        catch (RedisServerException e) when (e.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal))
        {
            // Another member created it first.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Consuming {Topic} as group {Group}, member {Consumer}")]
    private partial void LogStarted(string topic, string group, string consumer);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading {Topic} failed; retrying")]
    private partial void LogReadFailed(Exception exception, string topic);
}
