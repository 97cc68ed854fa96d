using System.Text;
using Realtime.Contracts;
using Realtime.Messaging.Publications;

namespace Realtime.Gateway.Backends;

/// <summary>Asks the history service for a channel's history (history command, recovery).</summary>
internal sealed class HistoryClient(IHttpClientFactory httpClients)
{
    public const string HttpClientName = "history";

    public async Task<HistoryPage> GetAsync(string channel, int limit, ulong? sinceOffset, string? sinceEpoch, bool reverse, CancellationToken cancellationToken)
    {
        var client = httpClients.CreateClient(HttpClientName);
        var response = await client.GetFromJsonAsync(HistoryRoutes.Query(channel, limit, sinceOffset, sinceEpoch, reverse), HistoryJsonContext.Default.HistoryResponse, cancellationToken)
            ?? throw new HttpRequestException("empty history response");
        var publications = new List<SequencedPublication>(response.Publications.Count);
        foreach (var element in response.Publications)
        {
            publications.Add(PublicationCodec.DecodeSequenced(Encoding.UTF8.GetBytes(element.GetRawText())));
        }

        return new HistoryPage(publications, response.Offset, response.Epoch, Unrecoverable: response.Error == 112);
    }
}

/// <summary>Publications and the stream top, or word that the asked position is gone.</summary>
internal sealed record HistoryPage(IReadOnlyList<SequencedPublication> Publications, ulong Offset, string Epoch, bool Unrecoverable);
