using Realtime.Testing;

namespace Realtime.Guarantees.Tests;

/// <summary>
/// What a person sees in the dashboard, read from the spans the service processes really export
/// over OTLP: each client command is a trace of its own, linked to its connection instead of
/// nested in it; a publication's trace follows it through the log, fanout, both gateways'
/// deliveries and history; and background loops start no traces, even with a span per Redis
/// command turned on.
/// </summary>
[Collection(nameof(GuaranteeTests))]
public sealed class TraceShapeTests
{
    private const string GatewayScope = "Realtime.Connection";
    private const string RedisScope = "OpenTelemetry.Instrumentation.StackExchangeRedis";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Commands_are_traces_of_their_own_publications_are_followed_everywhere_and_background_work_starts_none()
    {
        await using var receiver = OtlpTraceReceiver.Start();
        var settings = new Dictionary<string, string>(receiver.ExporterEnvironment)
        {
            ["Telemetry__TraceSampleRatio"] = "1",
            // A span per Redis command: lease renewals, claims and sweeps run all the time, and
            // none of them may start a trace.
            ["Aspire__StackExchange__Redis__DisableTracing"] = "false",
        };
        await using var system = await RealtimeSystem.StartAsync(LogTransportKind.RedisStreams, settings);
        var channel = $"{RealtimeSystem.Namespace}:traces";

        await using var onGateway1 = await ConnectAsync(system.WebSocket(0));
        await using var onGateway2 = await ConnectAsync(system.WebSocket(1));
        await using var publisher = await ConnectAsync(system.WebSocket(0));
        foreach (var subscriber in new[] { onGateway1, onGateway2 })
        {
            await subscriber.CommandAsync("subscribe", new { channel });
        }

        await publisher.CommandAsync("publish", new { channel, data = new { text = "traced" } });
        foreach (var subscriber in new[] { onGateway1, onGateway2 })
        {
            await subscriber.NextPublicationAsync(channel, Timeout);
        }

        // The publication's trace, once every process has exported its part of it.
        var publish = await Eventually.ReturnsAsync(
            () => Task.FromResult(receiver.Spans.SingleOrDefault(s => s.Scope == GatewayScope && s.Name == "publish")),
            span => span is not null, Timeout, "the publish span")!;
        var trace = await Eventually.ReturnsAsync(
            () => Task.FromResult(receiver.Spans.Where(s => s.TraceId == publish!.TraceId).ToList()),
            spans => spans.Count(s => s.Name == "deliver") == 2
                && spans.Any(s => s.Name == "process realtime.publications")
                && spans.Any(s => s.Name == "process realtime.sequenced")
                // The Redis instrumentation turns profiled commands into spans every few seconds.
                && spans.Any(s => s.Scope == RedisScope),
            Timeout, "deliveries on both gateways, fanout's and history's processing and Redis commands in the publish trace");

        // The publish is the root of the publication's trace.
        Assert.True(publish!.IsRoot, $"publish is nested: {publish}");
        Assert.All(trace.Where(s => s != publish), s => Assert.False(s.IsRoot, $"a second root in the publish trace: {s}"));

        // Every command is a root of its own, linked to its connection's span (which ended at once).
        var connections = receiver.Spans.Where(s => s.Scope == GatewayScope && s.Name == "connection").ToList();
        Assert.Equal(3, connections.Count);
        var commands = receiver.Spans.Where(s => s.Scope == GatewayScope && s.Name is "connect" or "subscribe" or "publish").ToList();
        Assert.Equal(["connect", "connect", "connect", "publish", "subscribe", "subscribe"], commands.Select(s => s.Name).Order());
        Assert.All(commands, command =>
        {
            Assert.True(command.IsRoot, $"{command} is nested in another span");
            var link = Assert.Single(command.Links);
            Assert.Contains(connections, connection => (connection.TraceId, connection.SpanId) == link);
        });
        Assert.Equal(commands.Count, commands.Select(s => s.TraceId).Distinct().Count());

        // Nothing else starts a trace: no lease renewal, claim, sweep, poll or query of a background loop.
        var roots = receiver.Spans.Where(s => s.IsRoot).ToList();
        Assert.True(roots.All(s => s.Scope == GatewayScope && s.Kind == ExportedSpanKind.Server),
            "traces started by background work:\n" + string.Join('\n', roots.Where(s => s.Scope != GatewayScope).Take(20)));
    }

    private static async Task<ProtocolTestClient> ConnectAsync(Uri gateway)
    {
        var client = await ProtocolTestClient.ConnectSocketAsync(gateway);
        await client.CommandAsync("connect", new { });
        return client;
    }
}
