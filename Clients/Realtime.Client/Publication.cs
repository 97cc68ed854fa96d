using System.Text.Json;

namespace Realtime.Client;

/// <summary>One publication of a channel, as delivered to a subscription.</summary>
public sealed class Publication
{
    internal Publication(string channel, JsonElement data, ulong offset, ClientInfo? info, IReadOnlyDictionary<string, string>? tags)
    {
        Channel = channel;
        Data = data;
        Offset = offset;
        Info = info;
        Tags = tags ?? EmptyTags;
    }

    private static readonly IReadOnlyDictionary<string, string> EmptyTags = new Dictionary<string, string>();

    /// <summary>The channel it was published to.</summary>
    public string Channel { get; }

    /// <summary>The publication's data (one JSON value).</summary>
    public JsonElement Data { get; }

    /// <summary>Its offset in the channel's stream (0 when the channel keeps no positions).</summary>
    public ulong Offset { get; }

    /// <summary>Who published it, when a client did.</summary>
    public ClientInfo? Info { get; }

    /// <summary>The publisher's tags (empty when none).</summary>
    public IReadOnlyDictionary<string, string> Tags { get; }
}

/// <summary>A connection as the server describes it in publications, presence and join/leave events.</summary>
public sealed record ClientInfo(string User, string Client, JsonElement? ConnInfo, JsonElement? ChanInfo);
