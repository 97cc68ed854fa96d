using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Realtime.Messaging.Log;

namespace Realtime.Messaging.Dapr;

/// <summary>
/// The publication log on Dapr pub/sub. Consumers receive nothing until the service maps
/// <see cref="DaprTransportExtensions.MapDaprLogSubscriptions"/>, the routes daprd delivers to.
/// </summary>
public sealed class DaprLogTransport : ILogTransport
{
    public static readonly DaprLogTransport Instance = new();

    private DaprLogTransport()
    {
    }

    public LogTransport Kind => LogTransport.Dapr;

    public void AddProducer(IHostApplicationBuilder builder)
    {
        // Registers the producer and the sidecar's readiness check ("publication-log").
        builder.Services.AddDaprLogProducer();
        builder.Services.Configure<DaprLogSubscriptionOptions>(builder.Configuration.GetSection($"{MessagingOptions.SectionName}:Dapr"));
    }

    public void AddConsumer<THandler>(IHostApplicationBuilder builder) where THandler : class, ILogHandler =>
        builder.Services.AddDaprLogConsumer<THandler>();
}
