using System.Text.Json;
using System.Text.Json.Serialization;

namespace Realtime.Delivery.Control;

/// <summary>
/// An instruction from the server API to every gateway node, carried on the Redis control
/// channel: each node applies it to the matching connections it holds (by user, or by client).
/// </summary>
public sealed record NodeCommand
{
    [JsonPropertyName("op"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] public required NodeCommandKind Op { get; init; }
    [JsonPropertyName("user")] public string? User { get; init; }
    [JsonPropertyName("client")] public string? Client { get; init; }
    [JsonPropertyName("channel")] public string? Channel { get; init; }
    [JsonPropertyName("code")] public int Code { get; init; }
    [JsonPropertyName("reason")] public string? Reason { get; init; }
    /// <summary>For <see cref="NodeCommandKind.Message"/>: the payload pushed to the client, as JSON.</summary>
    [JsonPropertyName("data")] public JsonElement? Data { get; init; }
    /// <summary>For <see cref="NodeCommandKind.Refresh"/>: the connection's new expiry (Unix seconds; 0 = never).</summary>
    [JsonPropertyName("expire_at")] public long ExpireAt { get; init; }
}

[JsonConverter(typeof(JsonStringEnumConverter<NodeCommandKind>))]
public enum NodeCommandKind
{
    Subscribe,
    Unsubscribe,
    Disconnect,
    Refresh,
    Message,
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingDefault, UseStringEnumConverter = true)]
[JsonSerializable(typeof(NodeCommand))]
public sealed partial class NodeCommandJsonContext : JsonSerializerContext;
