using System.Diagnostics;
using System.Globalization;
using Realtime.Bench.Reporting;
using Realtime.Bench.SystemUnderTest;

namespace Realtime.Bench.Scenarios;

/// <summary>
/// Reconnect storm: N subscribed clients spread over the gateways; publishers on the last
/// gateway keep publishing throughout. The first gateway dies (SIGKILL, or every one of its
/// connections is cut), and its clients reconnect the way the SDKs do (exponential back-off with
/// full jitter, trying the next gateway) and resubscribe recovering from their last offset.
/// Measures the time until every one of them is back and recovered, and counts loss and
/// duplicates over the whole run.
/// </summary>
internal static class StormScenario
{
    private static readonly TimeSpan MinReconnectDelay = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan MaxReconnectDelay = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan StormTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan AfterStorm = TimeSpan.FromSeconds(3);

    public static async Task<ScenarioResult> RunAsync(ScenarioContext context, ScenarioSettings settings, CancellationToken cancellationToken)
    {
        var gateways = context.System.Gateways.Count;
        if (gateways < 2)
        {
            throw new InvalidOperationException("the storm needs two gateways: one to lose, one to reconnect to");
        }

        var clients = settings.Clients ?? 10_000;
        var channels = settings.Channels ?? 100;
        var publishers = settings.Publishers ?? 20;
        var rate = settings.Rate ?? 200;
        var kill = settings.StormMode == "kill" && context.System.OwnsGateways;
        var layout = ClientLayout.Rooms(LocalSystem.BroadcastNamespace, channels, clients / channels, publishers, gateways, publisherGateway: gateways - 1);
        var label = $"storm {clients} clients, {(kill ? "gateway SIGKILLed" : "connections cut")}";
        var parameters = new Dictionary<string, string>
        {
            ["clients"] = clients.ToString(CultureInfo.InvariantCulture),
            ["channels"] = channels.ToString(CultureInfo.InvariantCulture),
            ["publishers"] = publishers.ToString(CultureInfo.InvariantCulture),
            ["rate"] = rate.ToString(CultureInfo.InvariantCulture),
            ["mode"] = kill ? "kill" : "close",
        };

        var storm = new Storm();
        var result = await TimedPublishing.RunAsync(context, "storm", label, parameters, layout, settings with { Duration = TimeSpan.Zero }, rate,
            during: run => storm.RunAsync(context, run, kill, cancellationToken), cancellationToken);

        result.Measures["victims"] = storm.Victims;
        result.Measures["reconnected"] = storm.Reconnected;
        result.Measures["recovered"] = storm.Recovered;
        result.Measures["not_recovered"] = storm.NotRecovered;
        result.Measures["failed_attempts"] = storm.FailedAttempts;
        result.Measures["all_back_seconds"] = Math.Round(storm.AllBack.TotalSeconds, 2);
        if (storm.Reconnected < storm.Victims)
        {
            result.Notes.Add($"{storm.Victims - storm.Reconnected} clients were not back within {StormTimeout.TotalSeconds:F0} s");
        }

        if (kill)
        {
            await context.System.RestartGatewayAsync(0).ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
        }

        return result;
    }

    private sealed class Storm
    {
        private long _started;
        private long _lastBack;
        private int _reconnected;
        private int _recovered;
        private int _notRecovered;
        private int _failedAttempts;

        public int Victims { get; private set; }

        public int Reconnected => Volatile.Read(ref _reconnected);

        public int Recovered => Volatile.Read(ref _recovered);

        public int NotRecovered => Volatile.Read(ref _notRecovered);

        public int FailedAttempts => Volatile.Read(ref _failedAttempts);

        public TimeSpan AllBack => Reconnected == Victims ? Stopwatch.GetElapsedTime(_started, Interlocked.Read(ref _lastBack)) : TimeSpan.Zero;

        public async Task RunAsync(ScenarioContext context, PublishingRun run, bool kill, CancellationToken cancellationToken)
        {
            var victims = Enumerable.Range(0, run.Layout.Clients.Length)
                .Where(i => run.Layout.Clients[i].Gateway == 0 && run.Layout.Clients[i].SubscribeTo >= 0).ToHashSet();
            Victims = victims.Count;
            var back = new List<Task>(Victims);
            var gate = new Lock();
            run.Observer.Closed = (client, _) =>
            {
                // Only the current connection of a victim counts; replaced ones close too.
                if (victims.Contains(client.Index) && run.Client(client.Index) == client)
                {
                    lock (gate)
                    {
                        back.Add(ReconnectAsync(run, client.Index, context.System.Gateways.Count, cancellationToken));
                    }
                }
            };

            context.Log.WriteLine($"[storm] {(kill ? "SIGKILL to gateway-1" : "cutting every connection to gateway-1")}: {Victims} clients reconnect");
            _started = Stopwatch.GetTimestamp();
            if (kill)
            {
                await context.System.KillGatewayAsync(0);
            }
            else
            {
                foreach (var victim in victims)
                {
                    run.Client(victim)?.Abort();
                }
            }

            var deadline = Stopwatch.GetTimestamp() + (long)(StormTimeout.TotalSeconds * Stopwatch.Frequency);
            while (Reconnected < Victims && Stopwatch.GetTimestamp() < deadline)
            {
                await Task.Delay(100, cancellationToken);
            }

            context.Log.WriteLine($"[storm] {Reconnected}/{Victims} back in {AllBack.TotalSeconds:F2} s ({Recovered} recovered, {NotRecovered} not, {FailedAttempts} failed attempts)");
            run.Observer.Closed = null;
            await Task.Delay(AfterStorm, cancellationToken);
        }

        private async Task ReconnectAsync(PublishingRun run, int index, int gateways, CancellationToken cancellationToken)
        {
            var home = run.Layout.Clients[index].Gateway;
            for (var attempt = 0; !cancellationToken.IsCancellationRequested; attempt++)
            {
                // Full jitter: anywhere between zero and the exponential bound, so a crowd spreads out.
                var bound = Math.Min(MaxReconnectDelay.TotalMilliseconds, MinReconnectDelay.TotalMilliseconds * Math.Pow(2, attempt));
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * bound), cancellationToken);
                try
                {
                    // As behind a load balancer: the lost gateway is not asked again; the others in turn.
                    var target = gateways == 1 ? home : (home + 1 + attempt % (gateways - 1)) % gateways;
                    var position = run.Observer.SubscriberOf(index)!.Position;
                    var handshake = await run.ConnectAsync(index, target, position, cancellationToken);
                    Interlocked.Increment(ref handshake.Subscriptions[0].Recovered ? ref _recovered : ref _notRecovered);
                    Interlocked.Exchange(ref _lastBack, Stopwatch.GetTimestamp());
                    Interlocked.Increment(ref _reconnected);
                    return;
                }
                catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    Interlocked.Increment(ref _failedAttempts);
                }
            }
        }
    }
}
