using System.Text.Json;
using System.Text.Json.Serialization;

namespace Realtime.Contracts;

/// <summary>
/// One batch of presence changes from a gateway node: clients that joined channels, left them,
/// or are still there (refreshes keep entries from expiring).
/// </summary>
public sealed record PresenceReport(
    [property: JsonPropertyName("node")] string Node,
    [property: JsonPropertyName("joins")] IReadOnlyList<PresenceEntry> Joins,
    [property: JsonPropertyName("leaves")] IReadOnlyList<PresenceLeave> Leaves,
    [property: JsonPropertyName("refreshes")] IReadOnlyList<PresenceEntry> Refreshes);

/// <summary>A client present in a channel.</summary>
public sealed record PresenceEntry(
    [property: JsonPropertyName("channel")] string Channel,
    [property: JsonPropertyName("client")] string Client,
    [property: JsonPropertyName("user")] string User,
    [property: JsonPropertyName("conn_info")] JsonElement? ConnInfo,
    [property: JsonPropertyName("chan_info")] JsonElement? ChanInfo);

/// <summary>A client that left a channel.</summary>
public sealed record PresenceLeave(
    [property: JsonPropertyName("channel")] string Channel,
    [property: JsonPropertyName("client")] string Client);

/// <summary>Everyone present in a channel, by client id.</summary>
public sealed record PresenceResponse(
    [property: JsonPropertyName("presence")] IReadOnlyDictionary<string, PresenceEntry> Presence);

/// <summary>How many clients and distinct users are present in a channel.</summary>
public sealed record PresenceStatsResponse(
    [property: JsonPropertyName("num_clients")] int NumClients,
    [property: JsonPropertyName("num_users")] int NumUsers);

/// <summary>Where a user is present: one entry per client (device) and channel.</summary>
public sealed record UserPresence(
    [property: JsonPropertyName("channel")] string Channel,
    [property: JsonPropertyName("client")] string Client);

/// <summary>A user's presence across devices and channels.</summary>
public sealed record UserPresenceResponse(
    [property: JsonPropertyName("user")] string User,
    [property: JsonPropertyName("presence")] IReadOnlyList<UserPresence> Presence);

[JsonSerializable(typeof(PresenceReport))]
[JsonSerializable(typeof(UserPresenceResponse))]
[JsonSerializable(typeof(PresenceResponse))]
[JsonSerializable(typeof(PresenceStatsResponse))]
[JsonSerializable(typeof(PresenceEntry))]
public sealed partial class PresenceJsonContext : JsonSerializerContext;
