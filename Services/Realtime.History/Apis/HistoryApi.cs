using System.Text.Json;
using Realtime.Contracts;
using Realtime.History.Query;
using Realtime.History.Storage;
using Realtime.Messaging.Publications;

namespace Realtime.History.Apis;

/// <summary>The history service's internal HTTP API, used by gateways (history, recovery) and the server API.</summary>
internal static class HistoryApi
{
    /// <summary>The protocol's "unrecoverable position" code, returned when a position cannot be served.</summary>
    private const int UnrecoverablePosition = 112;

    public static IEndpointRouteBuilder MapHistoryApi(this IEndpointRouteBuilder app)
    {
        app.MapGet(HistoryRoutes.History, async (string channel, int? limit, ulong? since_offset, string? since_epoch, bool? reverse,
            HistoryQueryService history, CancellationToken cancellationToken) =>
        {
            var answer = await history.QueryAsync(new HistoryQuery(channel, limit ?? 0, since_offset, since_epoch, reverse ?? false), cancellationToken);
            var publications = new List<JsonElement>(answer.Publications.Count);
            foreach (var publication in answer.Publications)
            {
                using var document = JsonDocument.Parse(PublicationCodec.Encode(publication));
                publications.Add(document.RootElement.Clone());
            }

            return Results.Ok(new HistoryResponse(publications, answer.Top.Epoch, answer.Top.Offset, answer.Unrecoverable ? UnrecoverablePosition : null));
        });
        app.MapGet(HistoryRoutes.Top, async (string channel, PublicationStore store, CancellationToken cancellationToken) =>
            Results.Ok(new DurableTopResponse(await store.GetTopAsync(channel, cancellationToken))));

        app.MapDelete(HistoryRoutes.History, async (string channel, PublicationStore store, Realtime.Delivery.ChannelStreams streams, CancellationToken cancellationToken) =>
        {
            // The window goes; the stream's offset and epoch stay, so offsets never repeat.
            await streams.RemoveWindowAsync(channel);
            await store.RemoveAsync(channel, cancellationToken);
            return Results.NoContent();
        });
        return app;
    }
}
