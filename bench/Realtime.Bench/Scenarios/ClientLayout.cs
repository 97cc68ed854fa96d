namespace Realtime.Bench.Scenarios;

/// <summary>
/// One client of a run: which gateway it connects to, the channel it subscribes to and the one
/// it publishes to (channel numbers index <see cref="ClientLayout.Channels"/>; -1: none).
/// </summary>
internal readonly record struct ClientSpec(int Gateway, int SubscribeTo, int PublishTo);

/// <summary>The shape of a run: its channels and its clients.</summary>
internal sealed record ClientLayout(string[] Channels, ClientSpec[] Clients)
{
    public int[] Publishers() => [.. Enumerable.Range(0, Clients.Length).Where(i => Clients[i].PublishTo >= 0)];

    // Each layout gets channels of its own: scenarios of one matrix share the system, and what an
    // overloaded scenario left in the log must not reach the next one's subscribers.
    private static int s_layouts;

    private static int NextLayout() => Interlocked.Increment(ref s_layouts);

    /// <summary>IM: pairs on a channel of their own, the two ends on different gateways, both publishing.</summary>
    public static ClientLayout Pairs(string ns, string prefix, int clients, int gateways, bool publish)
    {
        var channels = new string[(clients + 1) / 2];
        var layout = NextLayout();
        for (var p = 0; p < channels.Length; p++)
        {
            channels[p] = $"{ns}:{prefix}{layout}-{p}";
        }

        var specs = new ClientSpec[clients];
        for (var i = 0; i < clients; i++)
        {
            specs[i] = new ClientSpec(i % gateways, i / 2, publish ? i / 2 : -1);
        }

        return new ClientLayout(channels, specs);
    }

    /// <summary>
    /// Broadcast: <paramref name="rooms"/> channels of <paramref name="subscribers"/> each, spread
    /// over the gateways, and <paramref name="publishers"/> separate clients publishing round-robin
    /// over the rooms from <paramref name="publisherGateway"/> (or spread over all when -1).
    /// </summary>
    public static ClientLayout Rooms(string ns, int rooms, int subscribers, int publishers, int gateways, int publisherGateway = -1)
    {
        var channels = new string[rooms];
        var layout = NextLayout();
        for (var r = 0; r < rooms; r++)
        {
            channels[r] = $"{ns}:room{layout}-{r}";
        }

        var specs = new ClientSpec[rooms * subscribers + publishers];
        for (var i = 0; i < rooms * subscribers; i++)
        {
            specs[i] = new ClientSpec(i / rooms % gateways, i % rooms, -1);
        }

        for (var p = 0; p < publishers; p++)
        {
            specs[rooms * subscribers + p] = new ClientSpec(publisherGateway >= 0 ? publisherGateway : p % gateways, -1, p % rooms);
        }

        return new ClientLayout(channels, specs);
    }
}
