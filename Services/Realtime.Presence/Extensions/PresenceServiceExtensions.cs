using Realtime.Channels;
using Realtime.Contracts;
using Realtime.Delivery;
using Realtime.Presence.Apis;
using Realtime.Presence.Store;
using Realtime.Presence.Sweeping;
using Realtime.Redis;

namespace Realtime.Presence.Extensions;

internal static class PresenceServiceExtensions
{
    /// <summary>The presence store in Redis, its join/leave events and the sweeper of expired entries.</summary>
    public static IHostApplicationBuilder AddPresenceServices(this IHostApplicationBuilder builder)
    {
        builder.AddRealtimeRedisClient();
        builder.AddChannelNamespaces();
        builder.Services.AddOptions<PresenceOptions>().BindConfiguration(PresenceOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddDeliveryOptions();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<PresenceEvents>();
        builder.Services.AddSingleton<PresenceStore>();
        builder.Services.AddHostedService<PresenceSweeper>();
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, PresenceJsonContext.Default));
        return builder;
    }

    /// <summary>The presence API and the health endpoints.</summary>
    public static WebApplication MapPresence(this WebApplication app)
    {
        app.MapPresenceApi();
        app.MapDefaultEndpoints();
        return app;
    }
}
