using System.Diagnostics;
using Microsoft.Extensions.Options;
using Realtime.Messaging.Log;
using Realtime.Messaging.Telemetry;
using StackExchange.Redis;

namespace Realtime.Messaging.RedisStreams;

/// <summary>Appends log records to the Redis stream of their key's partition (XADD, trimmed approximately).</summary>
public sealed class RedisStreamsLogProducer(IConnectionMultiplexer redis, IOptions<MessagingOptions> options) : ILogProducer
{
    public async Task AppendAsync(string topic, LogRecord record, CancellationToken cancellationToken)
    {
        using var activity = MessagingTelemetry.StartAppend(topic, "redis");
        var started = Stopwatch.GetTimestamp();
        var headers = TraceContext.Merge(record.Headers, activity);
        var fields = new NameValueEntry[2 + headers.Count];
        fields[0] = new NameValueEntry(RedisStreamKeys.KeyField, record.Key);
        fields[1] = new NameValueEntry(RedisStreamKeys.PayloadField, record.Payload);
        var i = 2;
        foreach (var (name, value) in headers)
        {
            fields[i++] = new NameValueEntry(RedisStreamKeys.HeaderPrefix + name, value);
        }

        var partition = RedisStreamKeys.PartitionOf(record.Key, options.Value.RedisStreamPartitions);
        await redis.GetDatabase().StreamAddAsync(
            RedisStreamKeys.Partition(topic, partition), fields,
            maxLength: options.Value.RedisStreamMaxLength, useApproximateMaxLength: true).WaitAsync(cancellationToken);

        MessagingTelemetry.Appended.Add(1, new KeyValuePair<string, object?>("messaging.destination.name", topic));
        MessagingTelemetry.AppendDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds,
            new KeyValuePair<string, object?>("messaging.destination.name", topic));
    }
}
