using StackExchange.Redis;

namespace Realtime.Redis;

/// <summary>What the connected Redis deployment allows.</summary>
public static class RedisTopology
{
    /// <summary>
    /// Whether Redis is a cluster, where one script may only touch keys of one hash slot (so a
    /// batch of keys with different hash tags must be split). Null until a server is connected:
    /// only then is its kind known.
    /// </summary>
    public static bool? IsCluster(IConnectionMultiplexer redis)
    {
        bool? cluster = null;
        foreach (var server in redis.GetServers())
        {
            if (server.IsConnected)
            {
                cluster = (cluster ?? false) || server.ServerType == ServerType.Cluster;
            }
        }

        return cluster;
    }
}
