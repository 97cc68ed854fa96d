using Realtime.Channels;
using Realtime.Connection.Clients;
using Realtime.Connection.Hub;
using Realtime.Connection.Presence;
using Realtime.Contracts;
using Realtime.Messaging;
using Realtime.Messaging.Delivery;

namespace Realtime.Connection.Extensions;

public static class GatewayServiceExtensions
{
    /// <summary>Everything the gateway needs besides the service defaults.</summary>
    public static IHostApplicationBuilder AddGatewayServices(this IHostApplicationBuilder builder)
    {
        builder.AddRedisClient(ServiceNames.Redis);
        builder.AddChannelNamespaces();
        builder.AddPublicationLog();

        builder.Services.AddOptions<GatewayOptions>().BindConfiguration(GatewayOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<DeliveryOptions>().BindConfiguration(DeliveryOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ChannelStreams>();
        builder.Services.AddSingleton<DeliveryListener>();
        builder.Services.AddSingleton<ChannelHub>();
        builder.Services.AddSingleton<SessionRegistry>();
        builder.Services.AddSingleton<GatewayNode>();
        builder.Services.AddHostedService<HeartbeatService>();

        builder.Services.AddHttpClient(PresenceReporter.HttpClientName, client => client.BaseAddress = new Uri($"http://{ServiceNames.Presence}"));
        builder.Services.AddSingleton<PresenceReporter>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<PresenceReporter>());
        return builder;
    }
}
