using System.Diagnostics;
using Microsoft.Extensions.Options;
using Realtime.Protocol;
using Realtime.Protocol.Codes;

namespace Realtime.Gateway.Clients;

/// <summary>
/// One timer for the whole node: every second it pings the sessions that are due, closes those
/// whose pong is overdue (3012) and those that never sent connect (3502). No per-connection
/// timers exist. It also ends connections and subscriptions whose credentials expired, and
/// aborts connections whose last write has waited longer than the write timeout.
/// </summary>
internal sealed class HeartbeatService(SessionRegistry sessions, IOptions<GatewayOptions> options, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        var ping = options.Value.PingInterval;
        var pong = options.Value.PongTimeout;
        var stale = options.Value.StaleTimeout;
        while (await TickAsync(timer, stoppingToken))
        {
            var now = Stopwatch.GetTimestamp();
            var wallClock = time.GetUtcNow();
            foreach (var session in sessions.Snapshot())
            {
                session.AbortIfWriteStalled(now);
                var heartbeat = session.Heartbeat;
                if (session.Identity is null)
                {
                    if (Stopwatch.GetElapsedTime(heartbeat.OpenedAt, now) > stale)
                    {
                        session.Close(Disconnect.Stale);
                    }

                    continue;
                }

                session.CheckExpiry(wallClock);
                var sentAt = heartbeat.PingSentAt;
                if (sentAt != 0)
                {
                    if (Stopwatch.GetElapsedTime(sentAt, now) > pong)
                    {
                        session.Close(Disconnect.NoPong);
                    }
                }
                else if (Stopwatch.GetElapsedTime(heartbeat.LastPing, now) >= ping)
                {
                    // Pings go out on schedule whatever else the client sends: the SDK counts on them.
                    heartbeat.MarkPingSent(now);
                    session.Push(ProtocolFrames.Ping(session.Format));
                }
            }
        }
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
}
