using Realtime.Contracts;
using Realtime.Presence.Store;

namespace Realtime.Presence.Apis;

/// <summary>The presence service's internal HTTP API, used by gateway nodes and the server API.</summary>
public static class PresenceApi
{
    public static IEndpointRouteBuilder MapPresenceApi(this IEndpointRouteBuilder app)
    {
        app.MapPost(PresenceRoutes.Report, async (PresenceReport report, PresenceStore store) =>
        {
            await store.ApplyAsync(report);
            return Results.NoContent();
        });

        app.MapGet(PresenceRoutes.Presence, async (string channel, PresenceStore store) =>
            Results.Ok(new PresenceResponse(await store.GetAsync(channel))));

        app.MapGet(PresenceRoutes.Stats, async (string channel, PresenceStore store) =>
        {
            var entries = await store.GetAsync(channel);
            var users = entries.Values.Select(e => e.User).Distinct(StringComparer.Ordinal).Count();
            return Results.Ok(new PresenceStatsResponse(entries.Count, users));
        });

        return app;
    }
}
