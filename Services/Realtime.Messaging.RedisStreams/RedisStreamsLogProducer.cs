using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Realtime.Messaging.Log;
using Realtime.Messaging.Telemetry;
using StackExchange.Redis;

namespace Realtime.Messaging.RedisStreams;

/// <summary>
/// Appends log records to the Redis stream of their key's partition (XADD, refused while the
/// partition is full of unconsumed entries, see <see cref="MessagingOptions.RedisStreamMaxLength"/>), grouping the records that arrive together into one entry per partition
/// (see <see cref="PartitionAppender"/>).
/// </summary>
public sealed class RedisStreamsLogProducer(IConnectionMultiplexer redis, IOptions<MessagingOptions> options) : ILogProducer
{
    private readonly ConcurrentDictionary<(string Topic, int Partition), PartitionAppender> _appenders = new();

    public Task AppendAsync(string topic, LogRecord record, CancellationToken cancellationToken)
    {
        var activity = MessagingTelemetry.StartAppend(topic, "redis");
        return activity is null ? EnqueueAsync(topic, record, cancellationToken) : TracedAsync(activity, topic, record, cancellationToken);
    }

    private async Task TracedAsync(System.Diagnostics.Activity activity, string topic, LogRecord record, CancellationToken cancellationToken)
    {
        using (activity)
        {
            await EnqueueAsync(topic, record with { Headers = TraceContext.Merge(record.Headers, activity) }, cancellationToken);
        }
    }

    /// <summary>Each partition's records go to its appender together, so they land in one entry.</summary>
    public Task AppendAllAsync(string topic, IReadOnlyList<LogRecord> records, CancellationToken cancellationToken)
    {
        var byPartition = new Dictionary<int, List<LogRecord>>();
        foreach (var record in records)
        {
            var partition = RedisStreamKeys.PartitionOf(record.Key, options.Value.RedisStreamPartitions);
            if (!byPartition.TryGetValue(partition, out var list))
            {
                byPartition[partition] = list = [];
            }

            list.Add(record);
        }

        var appends = new List<Task>(byPartition.Count);
        foreach (var (partition, list) in byPartition)
        {
            appends.Add(Appender(topic, partition).AppendAsync(list));
        }

        var all = Task.WhenAll(appends);
        return cancellationToken.CanBeCanceled ? all.WaitAsync(cancellationToken) : all;
    }

    private Task EnqueueAsync(string topic, LogRecord record, CancellationToken cancellationToken)
    {
        var partition = RedisStreamKeys.PartitionOf(record.Key, options.Value.RedisStreamPartitions);
        var appended = Appender(topic, partition).AppendAsync(record);
        return cancellationToken.CanBeCanceled ? appended.WaitAsync(cancellationToken) : appended;
    }

    private PartitionAppender Appender(string topic, int partition) =>
        _appenders.GetOrAdd((topic, partition), static (target, state) =>
            new PartitionAppender(state.redis.GetDatabase(), RedisStreamKeys.Partition(target.Topic, target.Partition), target.Topic, target.Partition, state.options),
            (redis, options: options.Value));
}
