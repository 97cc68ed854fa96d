using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Realtime.Contracts;

namespace Realtime.Redis;

public static class RedisClientExtensions
{
    private const string DisableTracingKey = "Aspire:StackExchange:Redis:DisableTracing";

    /// <summary>
    /// The services' Redis connection (Aspire's client integration: configuration, health check,
    /// metrics). Its per-command tracing is off unless <c>Aspire:StackExchange:Redis:DisableTracing</c>
    /// is set to false: it profiles every command, which costs more than the commands on the
    /// message path, while the project's own spans already follow each publication end to end.
    /// </summary>
    public static IHostApplicationBuilder AddRealtimeRedisClient(this IHostApplicationBuilder builder)
    {
        var disableTracing = builder.Configuration.GetValue(DisableTracingKey, true);
        builder.AddRedisClient(ServiceNames.Redis, settings => settings.DisableTracing = disableTracing);
        return builder;
    }
}
