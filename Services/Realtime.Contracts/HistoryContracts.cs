using System.Text.Json;
using System.Text.Json.Serialization;

namespace Realtime.Contracts;

/// <summary>
/// A channel's history as the history service answers it: publications (each the sequenced
/// publication JSON as it travelled the log) and the stream's current top.
/// </summary>
public sealed record HistoryResponse(
    [property: JsonPropertyName("publications")] IReadOnlyList<JsonElement> Publications,
    [property: JsonPropertyName("epoch")] string Epoch,
    [property: JsonPropertyName("offset")] ulong Offset,
    [property: JsonPropertyName("error")] int? Error = null);

/// <summary>The highest offset the channel ever stored (0 when none).</summary>
public sealed record DurableTopResponse([property: JsonPropertyName("offset")] ulong Offset);

/// <summary>The history service's internal HTTP routes and query parameters.</summary>
public static class HistoryRoutes
{
    public const string History = "/internal/history/{channel}";

    public const string Top = "/internal/history/{channel}/top";

    public static string TopOf(string channel) => $"/internal/history/{Uri.EscapeDataString(channel)}/top";

    public static string Remove(string channel) => $"/internal/history/{Uri.EscapeDataString(channel)}";

    /// <summary>
    /// <paramref name="limit"/>: 0 asks only for the top, a negative value for everything up to
    /// the server's maximum. <paramref name="sinceOffset"/> with <paramref name="sinceEpoch"/>
    /// asks for what came after that position.
    /// </summary>
    public static string Query(string channel, int limit, ulong? sinceOffset, string? sinceEpoch, bool reverse)
    {
        var query = $"/internal/history/{Uri.EscapeDataString(channel)}?limit={limit}&reverse={(reverse ? "true" : "false")}";
        return sinceOffset is { } offset
            ? $"{query}&since_offset={offset}&since_epoch={Uri.EscapeDataString(sinceEpoch ?? "")}"
            : query;
    }
}

[JsonSerializable(typeof(HistoryResponse))]
[JsonSerializable(typeof(DurableTopResponse))]
public sealed partial class HistoryJsonContext : JsonSerializerContext;
