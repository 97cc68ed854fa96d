using StackExchange.Redis;
using Realtime.Redis;

namespace Realtime.Messaging.RedisStreams;

/// <summary>
/// Which partitions of a topic this member of a consumer group may read. Each partition is a
/// lease in Redis held by one member at a time; members announce themselves, and each takes
/// its fair share (partitions ÷ live members, rounded up), releasing extras for newcomers. A
/// member that dies stops renewing, its leases expire and the others take them over — with the
/// entries it had read but not acknowledged. One reader per partition keeps each channel's
/// records in order even with several consumers. A member that dies is noticed through its
/// Redis connection (<see cref="DepartedMembers"/>) well before its leases would expire.
/// </summary>
internal sealed class PartitionLeases(IDatabase db, string topic, string group, string member, int partitions, TimeSpan ttl, DepartedMembers? departed = null)
{
    // Extends a lease only while this member still holds it.
    private const string RenewScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then
          redis.call('PEXPIRE', KEYS[1], ARGV[2])
          return 1
        end
        return 0
        """;

    private const string ReleaseScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then
          return redis.call('DEL', KEYS[1])
        end
        return 0
        """;

    // Before a batch, for each partition (KEYS: lease, stream, lease, stream, …): is the lease
    // still ours (-1 if not), and how many entries read by another member (one that lost the
    // lease without knowing it yet) are still unacknowledged there?
    private const string FenceScript = """
        local results = {}
        for i = 1, #KEYS, 2 do
          local others = -1
          if redis.call('GET', KEYS[i]) == ARGV[1] then
            others = 0
            local summary = redis.call('XPENDING', KEYS[i + 1], ARGV[2])
            if summary[4] then
              for _, consumer in ipairs(summary[4]) do
                if consumer[1] ~= ARGV[1] then
                  others = others + tonumber(consumer[2])
                end
              end
            end
          end
          results[#results + 1] = others
        end
        return results
        """;

    private bool? _cluster;

    private readonly SortedSet<int> _owned = [];
    private readonly Lock _gate = new();

    public string Member => member;

    /// <summary>The partitions held right now.</summary>
    public int[] Owned()
    {
        lock (_gate)
        {
            return [.. _owned];
        }
    }

    /// <summary>
    /// Renews, releases extras and acquires free partitions up to the fair share. Call it only
    /// between batches: a partition must not change hands while its records are being handled.
    /// Returns the partitions newly acquired (their unacknowledged entries must be claimed first).
    /// </summary>
    public async Task<List<int>> RebalanceAsync()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var membersKey = RedisStreamKeys.Members(topic, group);
        await db.SortedSetAddAsync(membersKey, member, now + (long)ttl.TotalMilliseconds);
        await db.SortedSetRemoveRangeByScoreAsync(membersKey, double.NegativeInfinity, now);
        if (departed is not null)
        {
            await departed.SweepAsync();
        }

        var live = Math.Max(1, await db.SortedSetLengthAsync(membersKey));
        var share = (int)Math.Ceiling(partitions / (double)live);

        await RenewAsync();
        var owned = Owned();
        for (var i = owned.Length - 1; i >= share; i--)
        {
            await db.ScriptEvaluateAsync(ReleaseScript, [RedisStreamKeys.Lease(topic, group, owned[i])], [member]);
            lock (_gate)
            {
                _owned.Remove(owned[i]);
            }
        }

        var acquired = new List<int>();
        for (var partition = 0; partition < partitions && Owned().Length < share; partition++)
        {
            if (!Owned().Contains(partition)
                && await db.StringSetAsync(RedisStreamKeys.Lease(topic, group, partition), member, ttl, When.NotExists))
            {
                lock (_gate)
                {
                    _owned.Add(partition);
                }

                acquired.Add(partition);
            }
        }

        return acquired;
    }

    /// <summary>Keeps the held leases alive; safe at any moment, also while a batch is being handled.</summary>
    public async Task RenewAsync()
    {
        foreach (var partition in Owned())
        {
            var renewed = (long)await db.ScriptEvaluateAsync(RenewScript, [RedisStreamKeys.Lease(topic, group, partition)], [member, (long)ttl.TotalMilliseconds]);
            if (renewed == 0)
            {
                lock (_gate)
                {
                    _owned.Remove(partition);
                }
            }
        }
    }

    /// <summary>
    /// Checked before a batch is handled, in one round trip: whether this member still holds the
    /// partition, and whether entries another member read are pending there (they come first).
    /// </summary>
    public async Task<PartitionFence> FenceAsync(int partition) => (await FenceAsync([partition]))[0];

    /// <summary>
    /// <see cref="FenceAsync(int)"/> for several partitions: one script call for all of them, or
    /// in Redis Cluster (where each partition has its own hash slot) one per partition, sent together.
    /// </summary>
    public async Task<PartitionFence[]> FenceAsync(IReadOnlyList<int> partitions)
    {
        _cluster ??= RedisTopology.IsCluster(db.Multiplexer);
        var fences = new PartitionFence[partitions.Count];
        if (_cluster == true && partitions.Count > 1)
        {
            var each = new Task<PartitionFence[]>[partitions.Count];
            for (var i = 0; i < partitions.Count; i++)
            {
                each[i] = FenceAsync([partitions[i]]);
            }

            for (var i = 0; i < partitions.Count; i++)
            {
                fences[i] = (await each[i])[0];
            }

            return fences;
        }

        var keys = new RedisKey[2 * partitions.Count];
        for (var i = 0; i < partitions.Count; i++)
        {
            keys[2 * i] = RedisStreamKeys.Lease(topic, group, partitions[i]);
            keys[2 * i + 1] = RedisStreamKeys.Partition(topic, partitions[i]);
        }

        var results = (RedisResult[])(await db.ScriptEvaluateAsync(FenceScript, keys, [member, group]))!;
        for (var i = 0; i < partitions.Count; i++)
        {
            fences[i] = (long)results[i] switch
            {
                < 0 => PartitionFence.Lost,
                0 => PartitionFence.Clear,
                _ => PartitionFence.OthersPending,
            };
        }

        return fences;
    }

    /// <summary>Stops reading a partition whose lease turned out to be held by another member.</summary>
    public void Forget(int partition)
    {
        lock (_gate)
        {
            _owned.Remove(partition);
        }
    }

    /// <summary>Gives every partition back (graceful stop), so others take over without waiting for expiry.</summary>
    public async Task ReleaseAllAsync()
    {
        foreach (var partition in Owned())
        {
            await db.ScriptEvaluateAsync(ReleaseScript, [RedisStreamKeys.Lease(topic, group, partition)], [member]);
        }

        lock (_gate)
        {
            _owned.Clear();
        }

        await db.SortedSetRemoveAsync(RedisStreamKeys.Members(topic, group), member);
        if (departed is not null)
        {
            await departed.LeaveAsync();
        }
    }
}

/// <summary>What a member may do with a batch it read from a partition.</summary>
internal enum PartitionFence
{
    /// <summary>Handle it.</summary>
    Clear,

    /// <summary>Another member holds the partition now: leave the batch to it.</summary>
    Lost,

    /// <summary>Entries read by another member are pending: take every pending entry, in order, first.</summary>
    OthersPending,
}
