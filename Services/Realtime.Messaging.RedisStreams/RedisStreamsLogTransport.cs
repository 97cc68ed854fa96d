using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Realtime.Messaging.Log;

namespace Realtime.Messaging.RedisStreams;

/// <summary>The publication log on Redis Streams, over the service's <c>IConnectionMultiplexer</c>.</summary>
public sealed class RedisStreamsLogTransport : ILogTransport
{
    public static readonly RedisStreamsLogTransport Instance = new();

    private RedisStreamsLogTransport()
    {
    }

    public LogTransport Kind => LogTransport.RedisStreams;

    public void AddProducer(IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ILogProducer, RedisStreamsLogProducer>();
        builder.Services.AddHealthChecks().AddCheck<RedisStreamsHealthCheck>("publication-log");
    }

    public void AddConsumer<THandler>(IHostApplicationBuilder builder) where THandler : class, ILogHandler =>
        builder.Services.AddSingleton<IHostedService>(sp => ActivatorUtilities.CreateInstance<RedisStreamsLogConsumer>(sp, sp.GetRequiredService<THandler>()));
}
