using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace Realtime.Messaging.RedisStreams;

/// <summary>The log is usable when Redis answers.</summary>
internal sealed class RedisStreamsHealthCheck(IConnectionMultiplexer redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await redis.GetDatabase().PingAsync().WaitAsync(TimeSpan.FromSeconds(2), cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("Redis Streams log unreachable", e);
        }
    }
}
