using Realtime.Contracts;
using Realtime.Presence.Store;

namespace Realtime.Presence.Apis;

/// <summary>The presence service's internal HTTP API, used by gateway nodes and the server API.</summary>
internal static class PresenceApi
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
            Results.Ok(await store.GetStatsAsync(channel)));

        app.MapGet(PresenceRoutes.User, async (string user, PresenceStore store) =>
            Results.Ok(new UserPresenceResponse(user, await store.GetUserAsync(user))));

        return app;
    }
}
