using Realtime.Auth;
using Realtime.Channels;
using Realtime.Gateway.Proxy;
using Realtime.Gateway.Backends;
using Realtime.Gateway.Clients;
using Realtime.Gateway.Hub;
using Realtime.Gateway.Presence;
using Realtime.Gateway.Transport;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Realtime.Contracts;
using Realtime.Messaging;
using Realtime.Delivery;
using Realtime.Redis;
using Realtime.Messaging.RedisStreams;
using Realtime.Messaging.Kafka;
using Realtime.Messaging.Dapr;

namespace Realtime.Gateway.Extensions;

internal static class GatewayServiceExtensions
{
    /// <summary>Everything the gateway needs besides the service defaults.</summary>
    public static IHostApplicationBuilder AddGatewayServices(this IHostApplicationBuilder builder)
    {
        builder.AddRealtimeRedisClient();
        // ASP.NET Core starts an Activity and a logging scope for every request this logger might
        // write about, and a WebSocket request lasts as long as its connection: at tens of
        // thousands of idle connections that is real memory for log lines never written (its
        // request start/stop lines are below Warning). Traces still get their span when exported.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        builder.AddChannelNamespaces();
        builder.AddPublicationLog(RedisStreamsLogTransport.Instance, KafkaLogTransport.Instance, DaprLogTransport.Instance);

        builder.Services.AddOptions<GatewayOptions>().BindConfiguration(GatewayOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<GatewayOptions>, GatewayOptionsValidator>();
        builder.Services.AddOptions<Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets.SocketTransportOptions>()
            .Configure<Microsoft.Extensions.Options.IOptions<GatewayOptions>>((transport, gateway) => transport.Backlog = gateway.Value.ListenBacklog);
        builder.Services.AddOptions<KestrelServerOptions>()
            .Configure<Microsoft.Extensions.Options.IOptions<GatewayOptions>>((kestrel, gateway) =>
            {
                if (gateway.Value.DirectUpgrade)
                {
                    kestrel.ConfigureEndpointDefaults(listen => listen.Use(next => new DirectUpgradeMiddleware(next, listen.ApplicationServices, kestrel.Limits).OnConnectedAsync));
                }
            });
        builder.Services.AddDeliveryOptions();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddChannelStreamsWithHistoryTops();
        builder.Services.AddSingleton<DeliveryListener>();
        builder.Services.AddSingleton<ChannelHub>();
        builder.Services.AddSingleton<SessionRegistry>();
        builder.Services.AddSingleton<GatewayNode>();
        builder.Services.AddHostedService<HeartbeatService>();
        builder.Services.AddHostedService<NodeControlListener>();
        builder.Services.AddSingleton<EmulationRelay>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<EmulationRelay>());
        builder.Services.AddHostedService<NodeInfoReporter>();
        builder.Services.AddSingleton<DrainService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<DrainService>());

        builder.Services.AddTokenVerification(builder.Configuration.GetSection("Gateway:Token"));
        builder.Services.AddOptions<ProxyOptions>().BindConfiguration(ProxyOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        // Proxied calls are not idempotent (a publish!): no automatic retries.
#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is marked experimental; it is the documented way to opt one client out.
        builder.Services.AddHttpClient(ProxyClient.HttpClientName).RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        builder.Services.AddSingleton<ProxyClient>();

        builder.Services.AddHttpClient(PresenceClient.HttpClientName, client => client.BaseAddress = new Uri($"http://{ServiceNames.Presence}"));
        builder.Services.AddHttpClient(HistoryClient.HttpClientName, client => client.BaseAddress = new Uri($"http://{ServiceNames.History}"));
        builder.Services.AddSingleton<PresenceClient>();
        builder.Services.AddSingleton<HistoryClient>();
        builder.Services.AddSingleton<HotWindowReader>();
        builder.Services.AddSingleton<StreamRecovery>();
        builder.Services.AddSingleton<PresenceReporter>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<PresenceReporter>());
        return builder;
    }

    /// <summary>
    /// The gateway's request pipeline: the client transports (WebSocket, HTTP-streaming, SSE and
    /// their emulation requests) and the health endpoints.
    /// Program and the in-process test host both use it, so tests run the pipeline that ships.
    /// </summary>
    public static WebApplication MapGateway(this WebApplication app)
    {
        app.UseWebSockets();
        app.MapClientWebSocket();
        app.MapClientHttpStream();
        app.MapClientSse();
        app.MapClientEmulation();
        app.MapDefaultEndpoints();
        return app;
    }
}
