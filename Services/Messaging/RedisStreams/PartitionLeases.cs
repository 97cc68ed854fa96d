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

    /// <summary>Whether this member still holds the partition: checked before a batch is handled.</summary>
    public async Task<bool> StillHoldsAsync(int partition) =>
        await db.StringGetAsync(RedisStreamKeys.Lease(topic, group, partition)) == member;

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
