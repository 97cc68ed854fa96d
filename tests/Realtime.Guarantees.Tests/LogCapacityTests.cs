using Realtime.Testing;

namespace Realtime.Guarantees.Tests;

/// <summary>
/// A log that cannot hold more refuses publishes; it never makes room by dropping publications
/// it acknowledged and nobody consumed yet.
/// </summary>
public sealed class LogCapacityTests
{
    private const int Capacity = 1_000;

    [Fact]
    public async Task With_fanout_stopped_a_full_log_refuses_publishes_with_a_temporary_error_and_loses_nothing_it_acknowledged()
    {
        await using var system = await RealtimeSystem.StartAsync(LogTransportKind.RedisStreams,
            new Dictionary<string, string> { ["Messaging__RedisStreamMaxLength"] = Capacity.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        foreach (var fanout in system.Fanouts)
        {
            await fanout.KillAsync();
        }

        var channel = $"{RealtimeSystem.Namespace}:capacity-{Guid.NewGuid():N}";
        await using var publisher = await ProtocolTestClient.ConnectSocketAsync(system.WebSocket(0));
        await publisher.CommandAsync("connect", new { });
        var acknowledged = 0;
        System.Text.Json.Nodes.JsonNode? refusal = null;
        // One publish at a time: each is one entry of the channel's partition.
        while (refusal is null && acknowledged <= Capacity)
        {
            var reply = await publisher.CommandAsync("publish", new { channel, data = new { n = acknowledged } });
            refusal = reply["error"];
            acknowledged += refusal is null ? 1 : 0;
        }

        Assert.Equal(Capacity, acknowledged);
        Assert.Equal(100, refusal!["code"]!.GetValue<int>());
        Assert.True(refusal["temporary"]?.GetValue<bool>());

        // Fanout back: every acknowledged publication is sequenced and stored, none trimmed away.
        foreach (var fanout in system.Fanouts)
        {
            await fanout.StartAsync();
        }

        await Eventually.TrueAsync(async () => await system.CountStoredAsync(channel) == Capacity, TimeSpan.FromSeconds(90), $"{Capacity} publications stored");
        // Once consumed, the entries are trimmed (at the consumers' next rebalance) and publishes go through again.
        await Eventually.TrueAsync(async () => (await publisher.CommandAsync("publish", new { channel, data = new { n = "after" } }))["error"] is null,
            TimeSpan.FromSeconds(30), "a publish accepted again");
    }
}
