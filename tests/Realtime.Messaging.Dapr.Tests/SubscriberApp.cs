using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Realtime.Messaging.Log;

namespace Realtime.Messaging.Dapr.Tests;

/// <summary>
/// A service as the other engineer's wiring builds it for Messaging:Transport=Dapr, on a real
/// Kestrel port: the producer, the two consumers, and the subscription routes daprd calls.
/// </summary>
public sealed class SubscriberApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private SubscriberApp(WebApplication app, Uri address)
    {
        _app = app;
        Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>Plays daprd's part of calling the app.</summary>
    public HttpClient Client { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<SubscriberApp> StartAsync(FakeDaprSidecar sidecar, PublicationsHandler publications, SequencedHandler sequenced,
        TimeSpan? maxHandlingTime = null, Action<IServiceCollection>? configure = null)
    {
        ListenOptions listen = null!;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, o => { o.Protocols = HttpProtocols.Http1; listen = o; }));
        builder.Services.AddDaprClient(dapr => dapr.UseGrpcEndpoint(sidecar.GrpcEndpoint).UseHttpEndpoint(sidecar.HttpEndpoint));
        builder.Services.Configure<MessagingOptions>(o =>
        {
            o.RetryDelay = TimeSpan.FromMilliseconds(10);
            o.MaxDeliveryAttempts = 3;
        });
        builder.Services.Configure<DaprLogSubscriptionOptions>(o => o.MaxHandlingTime = maxHandlingTime ?? TimeSpan.FromSeconds(10));
        builder.Services.AddSingleton(publications).AddSingleton(sequenced);
        builder.Services.AddDaprLogProducer();
        builder.Services.AddDaprLogConsumer<PublicationsHandler>();
        builder.Services.AddDaprLogConsumer<SequencedHandler>();
        configure?.Invoke(builder.Services);

        var app = builder.Build();
        app.MapDaprLogSubscriptions();
        await app.StartAsync();
        return new SubscriberApp(app, new Uri($"http://127.0.0.1:{listen.IPEndPoint!.Port}"));
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
