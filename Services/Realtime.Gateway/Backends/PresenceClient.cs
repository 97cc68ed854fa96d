using System.Text.Json;
using Realtime.Contracts;
using Realtime.Protocol;
using Realtime.Protocol.Replies;

namespace Realtime.Gateway.Backends;

/// <summary>Asks the presence service who is in a channel, and how many.</summary>
internal sealed class PresenceClient(IHttpClientFactory httpClients)
{
    public const string HttpClientName = "presence";

    public async Task<Dictionary<string, ClientInfo>> GetAsync(string channel, CancellationToken cancellationToken)
    {
        var client = httpClients.CreateClient(HttpClientName);
        var response = await client.GetFromJsonAsync(PresenceRoutes.PresenceOf(channel), PresenceJsonContext.Default.PresenceResponse, cancellationToken)
            ?? throw new HttpRequestException("empty presence response");
        var presence = new Dictionary<string, ClientInfo>(response.Presence.Count, StringComparer.Ordinal);
        foreach (var (clientId, entry) in response.Presence)
        {
            presence[clientId] = new ClientInfo(entry.User, entry.Client, Raw(entry.ConnInfo), Raw(entry.ChanInfo));
        }

        return presence;
    }

    public async Task<PresenceStatsResult> GetStatsAsync(string channel, CancellationToken cancellationToken)
    {
        var client = httpClients.CreateClient(HttpClientName);
        var stats = await client.GetFromJsonAsync(PresenceRoutes.StatsOf(channel), PresenceJsonContext.Default.PresenceStatsResponse, cancellationToken)
            ?? throw new HttpRequestException("empty presence stats response");
        return new PresenceStatsResult((uint)stats.NumClients, (uint)stats.NumUsers);
    }

    private static RawJson Raw(JsonElement? element) =>
        element is { ValueKind: not JsonValueKind.Undefined and not JsonValueKind.Null } value ? RawJson.FromString(value.GetRawText()) : RawJson.Empty;
}
