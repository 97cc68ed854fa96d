using System.Diagnostics;
using System.Text.Json;
using Realtime.Gateway.Clients;
using Realtime.Delivery.Control;
using StackExchange.Redis;

namespace Realtime.Gateway.Hub;

/// <summary>Publishes this node's vital numbers to Redis every few seconds, for the server API's <c>info</c>.</summary>
internal sealed partial class NodeInfoReporter(IConnectionMultiplexer redis, GatewayNode node, SessionRegistry sessions, ChannelHub hub, ILogger<NodeInfoReporter> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = Stopwatch.GetTimestamp();
        using var timer = new PeriodicTimer(Interval);
        do
        {
            try
            {
                var info = new NodeInfo(node.Name, sessions.Count, sessions.UserCount, hub.SubscriptionCount, hub.ChannelCount, (long)Stopwatch.GetElapsedTime(started).TotalSeconds);
                await redis.GetDatabase().StringSetAsync(NodeInfo.Key(node.Name), JsonSerializer.SerializeToUtf8Bytes(info, NodeInfoJsonContext.Default.NodeInfo), Interval * 3);
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                LogReportFailed(e);
            }
        }
        while (await TickAsync(timer, stoppingToken));

        await ((Task)redis.GetDatabase().KeyDeleteAsync(NodeInfo.Key(node.Name))).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private static async Task<bool> TickAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not report node info")]
    private partial void LogReportFailed(Exception exception);
}
