using System.Net.Http.Json;
using Realtime.Contracts;

namespace Realtime.Delivery;

/// <summary>Asks the history service for a channel's durable top (fanout and gateways use this).</summary>
public sealed class HistoryServiceStreamTops(IHttpClientFactory httpClients) : IDurableStreamTops
{
    public const string HttpClientName = "history-tops";

    public async Task<ulong> GetTopAsync(string channel, CancellationToken cancellationToken)
    {
        var top = await httpClients.CreateClient(HttpClientName).GetFromJsonAsync(HistoryRoutes.TopOf(channel), HistoryJsonContext.Default.DurableTopResponse, cancellationToken);
        return top?.Offset ?? throw new HttpRequestException("empty durable top response");
    }
}
