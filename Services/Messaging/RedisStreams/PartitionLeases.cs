using StackExchange.Redis;

namespace Realtime.Messaging.RedisStreams;

/// <summary>
/// Which partitions of a topic this member of a consumer group may read. Each partition is a
/// lease in Redis held by one member at a time; members announce themselves, and each takes
/// its fair share (partitions ÷ live members, rounded up), releasing extras for newcomers. A
/// member that dies stops renewing, its leases expire and the others take them over — with the
/// entries it had read but not acknowledged. One reader per partition keeps each channel's
/// records in order even with several consumers.
/// </summary>
internal sealed class PartitionLeases(IDatabase db, string topic, string group, string member, int partitions, TimeSpan ttl)
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

    // Before a batch: is the lease still ours, and did another member (one that lost the lease
    // without knowing it yet) read entries of the partition that are still unacknowledged?
    private const string FenceScript = """
        if redis.call('GET', KEYS[1]) ~= ARGV[1] then
          return -1
        end
        local summary = redis.call('XPENDING', KEYS[2], ARGV[2])
        local others = 0
        if summary[4] then
          for _, consumer in ipairs(summary[4]) do
            if consumer[1] ~= ARGV[1] then
              others = others + tonumber(consumer[2])
            end
          end
        end
        return others
        """;

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
    public async Task<PartitionFence> FenceAsync(int partition)
    {
        var others = (long)await db.ScriptEvaluateAsync(FenceScript,
            [RedisStreamKeys.Lease(topic, group, partition), RedisStreamKeys.Partition(topic, partition)], [member, group]);
        return others switch
        {
            < 0 => PartitionFence.Lost,
            0 => PartitionFence.Clear,
            _ => PartitionFence.OthersPending,
        };
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
