using System.Diagnostics;
using System.Text;
using Realtime.Testing;
using Xunit.Abstractions;

namespace Realtime.Guarantees.Tests.Soak;

/// <summary>
/// The whole system under steady mixed load (publishers, subscribers on both gateways,
/// subscribe/unsubscribe churn with presence queries) while faults come one after another: a
/// gateway, fanout, history or presence SIGKILLed and restarted, Redis SIGKILLed and restarted
/// (its append-only file synced on every write, as production runs it), history or presence
/// stalled. At the end: every acknowledged publication reached every subscriber (live or
/// recovered) in one strictly increasing order and is stored exactly once, nothing is stored
/// twice, and no service's memory kept growing after its warm-up. The suite runs a short slice;
/// <c>./eng/soak.sh</c> runs it for as long as asked.
/// </summary>
[Collection(nameof(GuaranteeTests))]
public sealed class SoakTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Settle = TimeSpan.FromMinutes(2);

    [Fact]
    [Trait("Category", "Soak")]
    public async Task Under_mixed_load_and_faults_nothing_acknowledged_is_lost_nothing_is_stored_twice_and_memory_stays_flat()
    {
        var settings = SoakSettings.FromEnvironment();
        RealtimeSystem? system = null;
        await using var presenceProxy = StallingTcpProxy.Start(() => system!.Presence.Port);
        await using var historyProxy = StallingTcpProxy.Start(() => system!.History.Port);
        system = await RealtimeSystem.StartAsync(LogTransportKind.RedisStreams, new Dictionary<string, string>
        {
            ["services__presence__http__0"] = $"http://127.0.0.1:{presenceProxy.Port}",
            ["services__history__http__0"] = $"http://127.0.0.1:{historyProxy.Port}",
            ["Gateway__PresenceSyncTimeout"] = "00:00:01",
            // Retention keeps 10,000 publications per channel by default; a long soak publishes
            // more, and what retention removes on purpose is not what the check looks for.
            ["History__RetentionCount"] = "100000000",
        }, persistentRedis: true);
        await using var _ = system;

        var channels = Enumerable.Range(0, settings.Channels).Select(i => $"{RealtimeSystem.Namespace}:soak-{i}-{Guid.NewGuid():N}").ToArray();
        var subscribers = new List<(string Channel, TrackingSubscriber Subscriber)>();
        foreach (var channel in channels)
        {
            subscribers.Add((channel, await TrackingSubscriber.StartAsync(system.WebSocket(0), channel)));
            subscribers.Add((channel, await TrackingSubscriber.StartAsync(system.WebSocket(1), channel)));
        }

        using var stop = new CancellationTokenSource();
        var publishers = channels.Select((channel, i) => new SoakPublisher(system, channel, i % 2)).ToList();
        var sampler = new RssSampler(system, settings.Warmup);
        var background = new List<Task>(publishers.Select(p => p.RunAsync(settings.PublishesPerSecond, stop.Token)))
        {
            KeepSubscribedAsync(system, subscribers, stop.Token),
            ChurnAsync(system, channels, stop.Token),
            sampler.RunAsync(TimeSpan.FromSeconds(2), stop.Token),
        };

        var faults = Faults(system, presenceProxy, historyProxy);
        var injected = new List<string>();
        var clock = Stopwatch.StartNew();
        for (var next = 0; clock.Elapsed + settings.FaultEvery < settings.Duration; next++)
        {
            await Task.Delay(settings.FaultEvery);
            var (name, inject) = faults[next % faults.Length];
            var started = clock.Elapsed;
            await inject();
            injected.Add($"{started:mm\\:ss} {name} ({(clock.Elapsed - started).TotalSeconds:0.0} s)");
        }

        await Task.Delay(settings.Duration - clock.Elapsed is { Ticks: > 0 } rest ? rest : TimeSpan.Zero);
        await stop.CancelAsync();
        await Task.WhenAll(background);

        // Every acknowledged publication reaches every subscriber of its channel, live or recovered.
        await Eventually.TrueAsync(async () =>
        {
            foreach (var (channel, subscriber) in subscribers)
            {
                if (subscriber.Disconnected)
                {
                    await TryReconnectAsync(system, subscriber, 0);
                }
            }

            return subscribers.All(s => Missing(s.Subscriber, Publisher(publishers, s.Channel)).Count == 0);
        }, Settle, "every subscriber to have every acknowledged publication");

        var report = new StringBuilder();
        foreach (var (channel, subscriber) in subscribers)
        {
            var offsets = subscriber.Received.Select(r => r.Offset).ToList();
            Assert.True(offsets.Zip(offsets.Skip(1)).All(pair => pair.Second > pair.First), $"{channel}: offsets not strictly increasing");
        }

        // ... and is stored exactly once; nothing is stored twice.
        foreach (var publisher in publishers)
        {
            List<(long Offset, string Epoch, string Id)> stored = [];
            await Eventually.TrueAsync(async () =>
            {
                stored = await system.StoredAsync(publisher.Channel);
                var ids = stored.Select(s => s.Id).ToHashSet();
                return publisher.Acknowledged.All(ids.Contains);
            }, Settle, $"history to store every acknowledged publication of {publisher.Channel}");
            Assert.Equal(stored.Count, stored.Select(s => s.Id).Distinct().Count());
            Assert.Equal(stored.Count, stored.Select(s => s.Offset).Distinct().Count());
            report.AppendLine($"{publisher.Channel}: {publisher.Acknowledged.Count} acknowledged, {publisher.Refused} refused (error), {publisher.Broken} broken attempts, {stored.Count} stored");
        }

        // No service's memory kept growing after its warm-up.
        var instances = sampler.Instances().ToList();
        foreach (var (name, pid, afterWarmup, halfway, last, observed) in instances)
        {
            report.AppendLine($"{name} (pid {pid}): RSS {afterWarmup / 1048576.0:0.0} MiB after warm-up, {halfway / 1048576.0:0.0} MiB halfway, {last / 1048576.0:0.0} MiB {observed.TotalSeconds:0} s later");
        }

        report.AppendLine("faults: " + string.Join("; ", injected));
        output.WriteLine(report.ToString());
        await File.WriteAllTextAsync(Path.Combine(AppContext.BaseDirectory, "soak-summary.txt"), $"{DateTime.UtcNow:O} {settings}\n{report}");
        Assert.All(instances, instance => Assert.True(instance.Last <= instance.AfterWarmup * 3 / 2 + 64L * 1048576,
            $"{instance.Name} grew from {instance.AfterWarmup / 1048576} to {instance.Last / 1048576} MiB"));
        Assert.NotEmpty(injected);

        foreach (var (_, subscriber) in subscribers)
        {
            await subscriber.DisposeAsync();
        }
    }

    private static SoakPublisher Publisher(List<SoakPublisher> publishers, string channel) => publishers.First(p => p.Channel == channel);

    private static List<string> Missing(TrackingSubscriber subscriber, SoakPublisher publisher)
    {
        HashSet<string> seen;
        lock (subscriber.Received)
        {
            seen = subscriber.Received.Select(r => r.Id).ToHashSet();
        }

        return publisher.Acknowledged.Where(id => !seen.Contains(id)).ToList();
    }

    /// <summary>The faults, injected in turn: each SIGKILL is followed by a restart, each stall by a resume.</summary>
    private static (string Name, Func<Task> Inject)[] Faults(RealtimeSystem system, StallingTcpProxy presence, StallingTcpProxy history) =>
    [
        ("gateway-1 SIGKILL + restart", () => Restart(system.Gateways[0])),
        ("fanout-1 SIGKILL + restart", () => Restart(system.Fanouts[0])),
        ("history SIGKILL + restart", () => Restart(system.History)),
        ("redis SIGKILL + restart", system.RestartRedisAsync),
        ("history stalled 5 s", () => Stall(history)),
        ("gateway-2 SIGKILL + restart", () => Restart(system.Gateways[1])),
        ("fanout-2 SIGKILL + restart", () => Restart(system.Fanouts[1])),
        ("presence stalled 5 s", () => Stall(presence)),
        ("presence SIGKILL + restart", () => Restart(system.Presence)),
    ];

    private static async Task Restart(ServiceProcess service)
    {
        await service.KillAsync();
        await service.StartAsync();
    }

    private static async Task Stall(StallingTcpProxy proxy)
    {
        proxy.Stall();
        await Task.Delay(TimeSpan.FromSeconds(5));
        proxy.Resume();
    }

    /// <summary>Subscribers whose gateway died come back on a live one and recover what they missed.</summary>
    private static async Task KeepSubscribedAsync(RealtimeSystem system, List<(string Channel, TrackingSubscriber Subscriber)> subscribers, CancellationToken stop)
    {
        var round = 0;
        while (!stop.IsCancellationRequested)
        {
            round++;
            foreach (var (_, subscriber) in subscribers)
            {
                if (subscriber.Disconnected)
                {
                    await TryReconnectAsync(system, subscriber, round % 2);
                }
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), CancellationToken.None);
        }
    }

    private static async Task TryReconnectAsync(RealtimeSystem system, TrackingSubscriber subscriber, int gateway)
    {
        try
        {
            await subscriber.ReconnectAsync(system.WebSocket(gateway));
        }
        catch (Exception)
        {
            // That gateway is down too, or a dependency refused the subscribe: the next round tries again.
        }
    }

    /// <summary>Clients that keep joining and leaving channels and asking who is there: presence load beside the messages.</summary>
    private static async Task ChurnAsync(RealtimeSystem system, string[] channels, CancellationToken stop)
    {
        ProtocolTestClient? client = null;
        for (var i = 0; !stop.IsCancellationRequested; i++)
        {
            try
            {
                if (client is null)
                {
                    client = await ProtocolTestClient.ConnectSocketAsync(system.WebSocket(i % 2));
                    await client.CommandAsync("connect", new { });
                }

                var channel = channels[i % channels.Length];
                await client.CommandAsync("subscribe", new { channel });
                await client.CommandAsync("presence_stats", new { channel });
                await client.CommandAsync("unsubscribe", new { channel });
            }
            catch (Exception) when (!stop.IsCancellationRequested)
            {
                if (client is not null)
                {
                    await client.DisposeAsync();
                    client = null;
                }
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), CancellationToken.None);
        }

        if (client is not null)
        {
            await client.DisposeAsync();
        }
    }
}
