using System.Text.Json.Serialization;
using StackExchange.Redis;

namespace Realtime.Delivery.Control;

/// <summary>What a gateway node reports about itself every few seconds (the server API's <c>info</c>).</summary>
public sealed record NodeInfo(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("num_clients")] int NumClients,
    [property: JsonPropertyName("num_users")] int NumUsers,
    [property: JsonPropertyName("num_subs")] int NumSubs,
    [property: JsonPropertyName("num_channels")] int NumChannels,
    [property: JsonPropertyName("uptime")] long Uptime)
{
    /// <summary>One key per node, expiring shortly after the node stops reporting.</summary>
    public static RedisKey Key(string node) => $"rt:node:{node}";

    public const string KeyPattern = "rt:node:*";
}

[JsonSerializable(typeof(NodeInfo))]
public sealed partial class NodeInfoJsonContext : JsonSerializerContext;
