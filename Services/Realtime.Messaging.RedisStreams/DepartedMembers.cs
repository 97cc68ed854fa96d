using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using Realtime.Redis;

namespace Realtime.Messaging.RedisStreams;

/// <summary>
/// Finds consumer-group members that died without letting go. Each member keeps a subscription
/// to its own pub/sub channel for as long as its process lives; a killed process's sockets are
/// closed by its kernel at once and Redis drops the subscription with them. At every rebalance a
/// member counts the subscribers of the others' channels (<c>PUBSUB NUMSUB</c>) and removes any
/// with none, releasing its leases, so a survivor takes its partitions within a rebalance
/// interval instead of waiting out the lease TTL. A live member whose subscription connection
/// was being re-established at that moment only hands its partitions over early: batches are
/// fenced on the lease, as for any lease lost. Only members that announced the subscription are
/// judged (older versions during a rolling upgrade keep their leases until they expire), and on
/// Redis Cluster, where pub/sub counts are per node, leases expire as before.
/// </summary>
internal sealed partial class DepartedMembers(IConnectionMultiplexer redis, string topic, string group, string member, int partitions, ILogger logger)
{
    // Deletes a lease only while the departed member still holds it.
    private const string ReleaseIfHeldScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then
          return redis.call('DEL', KEYS[1])
        end
        return 0
        """;

    private bool _subscribed;

    /// <summary>Announces this member (once) and removes members whose subscription is gone.</summary>
    public async Task SweepAsync()
    {
        if (RedisTopology.IsCluster(redis) != false)
        {
            return;
        }

        var db = redis.GetDatabase();
        var watched = RedisStreamKeys.Watched(topic, group);
        if (!_subscribed)
        {
            await redis.GetSubscriber().SubscribeAsync(RedisStreamKeys.Alive(topic, group, member), static (_, _) => { });
            _subscribed = true;
        }

        await db.SetAddAsync(watched, member);
        var others = (await db.SetMembersAsync(watched)).Select(m => (string)m!).Where(m => m != member).ToArray();
        if (others.Length == 0)
        {
            return;
        }

        var args = new object[others.Length + 1];
        args[0] = "NUMSUB";
        for (var i = 0; i < others.Length; i++)
        {
            args[i + 1] = (string)RedisStreamKeys.Alive(topic, group, others[i])!;
        }

        // Reply: channel, count, channel, count, … in the order asked.
        var counts = (RedisResult[])(await db.ExecuteAsync("PUBSUB", args))!;
        for (var i = 0; i < others.Length; i++)
        {
            if ((long)counts[2 * i + 1] == 0)
            {
                await RemoveAsync(db, others[i]);
            }
        }
    }

    /// <summary>Stops announcing (graceful stop: the leases were released anyway).</summary>
    public async Task LeaveAsync()
    {
        if (_subscribed)
        {
            await redis.GetSubscriber().UnsubscribeAsync(RedisStreamKeys.Alive(topic, group, member));
            _subscribed = false;
        }

        await redis.GetDatabase().SetRemoveAsync(RedisStreamKeys.Watched(topic, group), member);
    }

    private async Task RemoveAsync(IDatabase db, string departed)
    {
        for (var partition = 0; partition < partitions; partition++)
        {
            await db.ScriptEvaluateAsync(ReleaseIfHeldScript, [RedisStreamKeys.Lease(topic, group, partition)], [departed]);
        }

        await db.SortedSetRemoveAsync(RedisStreamKeys.Members(topic, group), departed);
        await db.SetRemoveAsync(RedisStreamKeys.Watched(topic, group), departed);
        LogDeparted(departed, topic, group);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Consumer-group member {Member} of {Topic}/{Group} lost its Redis connection: its partitions are taken over now")]
    private partial void LogDeparted(string member, string topic, string group);
}
