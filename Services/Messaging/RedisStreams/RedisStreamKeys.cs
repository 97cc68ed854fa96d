using StackExchange.Redis;

namespace Realtime.Messaging.RedisStreams;

/// <summary>Where each log topic lives in Redis, and the field names of a stream entry.</summary>
public static class RedisStreamKeys
{
    public static RedisKey Topic(string topic) => $"rt:log:{{{topic}}}";

    public const string KeyField = "k";
    public const string PayloadField = "p";
    /// <summary>Header fields are stored as <c>h:{name}</c>.</summary>
    public const string HeaderPrefix = "h:";
}
