using System.Diagnostics;
using System.Globalization;
using Realtime.Bench.Measurement;
using Realtime.Bench.Reporting;
using Realtime.Bench.SystemUnderTest;

namespace Realtime.Bench.Scenarios;

/// <summary>
/// Idle connections: N clients on one gateway process, each subscribed to one channel (pairs,
/// as in IM), held without traffic. Reports the gateway's resident memory per connection once
/// every connection has been through a ping round (the server pings, the client answers).
/// </summary>
internal static class IdleScenario
{
    public const int DefaultConnections = 19_000;

    public static async Task<ScenarioResult> RunAsync(ScenarioContext context, ScenarioSettings settings, TimeSpan pingRoundTimeout, CancellationToken cancellationToken)
    {
        var connections = settings.Clients ?? DefaultConnections;
        var label = $"idle {connections} connections, one gateway";
        if (context.System.OwnsGateways)
        {
            // A fresh process: what earlier scenarios left in its heap would blur the baseline.
            await context.System.KillGatewayAsync(0);
            await context.System.RestartGatewayAsync(0).ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
        }

        var gateway = context.System.Watched.FirstOrDefault(p => p.Name.StartsWith("gateway", StringComparison.Ordinal));
        var baseline = gateway is null ? 0 : ProcessSampler.RssBytes(gateway.Pid);
        var layout = ClientLayout.Pairs(LocalSystem.ChatNamespace, "idle", connections, gateways: 1, publish: false);
        await using var run = new PublishingRun(context, layout, settings.Size);
        context.Log.WriteLine($"[{label}] connecting…");
        var sampler = context.Sampler();
        var before = sampler.Take();
        await run.ConnectAllAsync(cancellationToken);
        var afterConnect = gateway is null ? 0 : ProcessSampler.RssBytes(gateway.Pid);
        context.Log.WriteLine($"[{label}] connected at {run.ConnectRate}/s; waiting for a ping round (up to {pingRoundTimeout.TotalSeconds:F0} s)");

        var waited = Stopwatch.StartNew();
        var pinged = 0;
        while (waited.Elapsed < pingRoundTimeout)
        {
            pinged = 0;
            for (var i = 0; i < connections; i++)
            {
                if (run.Client(i) is { PingsAnswered: > 0 }) pinged++;
            }

            if (pinged == connections) break;
            await Task.Delay(500, cancellationToken);
        }

        // Let the pongs be read and the round's buffers be returned before reading memory.
        await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
        var after = sampler.Take();
        var afterPing = gateway is null ? 0 : ProcessSampler.RssBytes(gateway.Pid);
        var result = new ScenarioResult
        {
            Scenario = "idle",
            Label = label,
            Parameters = new() { ["connections"] = connections.ToString(CultureInfo.InvariantCulture) },
            Latency = new LatencySummary(0, 0, 0, 0, 0, 0, 0, 0),
            Deliveries = run.Observer.Ledger.Count(),
            ConnectRate = run.ConnectRate,
            Processes = sampler.Usage(before, after),
        };
        if (gateway is not null)
        {
            result.Measures["gateway_rss_baseline_mib"] = Math.Round(baseline / 1048576.0, 1);
            result.Measures["gateway_rss_mib"] = Math.Round(afterPing / 1048576.0, 1);
            result.Measures["rss_per_connection_kib_after_connect"] = Math.Round((afterConnect - baseline) / 1024.0 / connections, 2);
            result.Measures["rss_per_connection_kib"] = Math.Round((afterPing - baseline) / 1024.0 / connections, 2);
        }
        else
        {
            result.Notes.Add("no gateway process to watch: pass --watch gateway=PID");
        }

        result.Measures["connections_pinged"] = pinged;
        if (pinged < connections)
        {
            result.Notes.Add($"only {pinged} of {connections} connections saw a ping within {pingRoundTimeout.TotalSeconds:F0} s");
        }

        return result;
    }
}
