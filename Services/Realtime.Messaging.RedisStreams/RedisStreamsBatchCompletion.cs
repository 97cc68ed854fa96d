using System.Reflection;
using Realtime.Messaging.Log;
using Realtime.Redis;
using StackExchange.Redis;

namespace Realtime.Messaging.RedisStreams;

/// <summary>
/// A batch as the Redis Streams consumer read it (which reader of which group read which entries
/// of which partitions), completed inside a handler's Redis script: the lease checks, the
/// handler's output records and the acknowledgement are the script's part
/// (<c>complete_batch.lua</c>), so reading the batch and finishing it is one round trip apart
/// from the handler's work. One batch, one script call.
/// </summary>
public sealed class RedisStreamsBatchCompletion(string reader, string group, string topic,
    IReadOnlyList<RedisStreamsBatchPartition> partitions, MessagingOptions options) : LogBatchCompletion, IRedisScriptPart
{
    private static readonly string Script = LoadScript();
    private readonly List<(string Destination, int Partition)> _outputs = [];

    public string Reader => reader;

    public override string Topic => topic;

    public override string ConsumerGroup => group;

    public IReadOnlyList<RedisStreamsBatchPartition> Partitions => partitions;

    public string Lua => Script;

    /// <summary>Called per output record: matched by partition, so a stream's key is built once per batch.</summary>
    public int OutputSlot(string destination, string key)
    {
        var output = (destination, RedisStreamKeys.PartitionOf(key, options.RedisStreamPartitions));
        var slot = _outputs.IndexOf(output);
        if (slot < 0)
        {
            _outputs.Add(output);
            slot = _outputs.Count - 1;
        }

        return slot + 1;
    }

    public void AddArguments(List<RedisKey> keys, List<RedisValue> args)
    {
        args.Add(reader);
        args.Add(group);
        args.Add(options.RedisStreamMaxLength);
        args.Add(partitions.Count);
        args.Add(_outputs.Count);
        foreach (var partition in partitions)
        {
            keys.Add(partition.Lease);
            keys.Add(partition.Stream);
            args.Add(partition.EntryIds.Length);
            args.AddRange(partition.EntryIds);
        }

        foreach (var (destination, partition) in _outputs)
        {
            keys.Add(RedisStreamKeys.Partition(destination, partition));
        }
    }

    private static string LoadScript()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("complete_batch.lua")
            ?? throw new InvalidOperationException("complete_batch.lua is not embedded");
        using var text = new StreamReader(stream);
        return text.ReadToEnd();
    }
}

/// <summary>One partition's part of a batch: its lease (held by the reader), its stream and the entries read.</summary>
public readonly record struct RedisStreamsBatchPartition(RedisKey Lease, RedisKey Stream, RedisValue[] EntryIds);
