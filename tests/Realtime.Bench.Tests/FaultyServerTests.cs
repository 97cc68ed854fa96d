using Realtime.Bench.Measurement;
using Realtime.Bench.Scenarios;
using Realtime.Bench.Tests.StandIn;

namespace Realtime.Bench.Tests;

/// <summary>
/// Against a stand-in that misbehaves in one known way, the bench counts exactly that: loss,
/// duplicates, disorder and refusals each land in their own column and nowhere else.
/// </summary>
public sealed class FaultyServerTests
{
    private const int Clients = 6;

    /// <summary>Each of the six clients publishes this often: 60 publishes, 20 on each pair's channel.</summary>
    private const int Rounds = 10;

    private const int Publishes = Clients * Rounds;

    private static readonly ClientLayout Layout = StandInRun.Pairs(Clients);

    private static string FirstChannel => Layout.Channels[0];

    [Fact]
    public async Task Publications_withheld_from_one_subscriber_are_counted_as_lost_exactly()
    {
        // Offsets 5, 10, 15 and 20 of the first channel never reach its first subscriber.
        var fault = new DropsEveryNth(FirstChannel, n: 5);
        var counts = await RunAsync(fault, expectEverythingDelivered: false);
        Assert.Equal(4, fault.Injected);
        Assert.Equal(fault.Injected, counts.Lost);
        Assert.Equal(Publishes, counts.Acked);
        Assert.Equal(2 * Publishes - fault.Injected, counts.Delivered);
        Assert.Equal(0, counts.Duplicated);
        Assert.Equal(0, counts.OutOfOrder);
    }

    [Fact]
    public async Task A_publication_pushed_twice_is_one_duplicate_and_nothing_lost()
    {
        var fault = new DeliversOneTwice(FirstChannel, offset: 3);
        var counts = await RunAsync(fault, expectEverythingDelivered: true);
        Assert.Equal(1, fault.Injected);
        Assert.Equal(1, counts.Duplicated);
        Assert.Equal(0, counts.Lost);
        Assert.Equal(0, counts.OutOfOrder);
        Assert.Equal(2 * Publishes, counts.Delivered);
    }

    [Fact]
    public async Task Two_publications_swapped_for_one_subscriber_are_out_of_order_and_nothing_lost()
    {
        var fault = new SwapsWithNext(FirstChannel, offset: 3);
        var counts = await RunAsync(fault, expectEverythingDelivered: true);
        Assert.Equal(1, fault.Injected);
        // Offset 3 arrives behind offset 4: one publication late, on one channel.
        Assert.Equal(1, counts.OutOfOrder);
        Assert.Equal(1, counts.OutOfOrderChannels);
        Assert.Equal(0, counts.Lost);
        Assert.Equal(0, counts.Duplicated);
        Assert.Equal(2 * Publishes, counts.Delivered);
    }

    [Fact]
    public async Task Refused_publishes_count_as_failed_not_lost()
    {
        // Sequences 3 and 7 of each of the six publishers: twelve refusals.
        var fault = new RefusesEveryNth(n: 4);
        var counts = await RunAsync(fault, expectEverythingDelivered: true);
        Assert.Equal(12, fault.Injected);
        Assert.Equal(fault.Injected, counts.Failed);
        Assert.Equal(Publishes - fault.Injected, counts.Acked);
        Assert.Equal(0, counts.Unanswered);
        Assert.Equal(0, counts.Lost);
        Assert.Equal(2 * counts.Acked, counts.Delivered);
    }

    /// <summary>
    /// Publishes every round against a stand-in with <paramref name="fault"/> and counts, once all
    /// the stand-in wrote has arrived. Where it withheld something, the drain can only come back
    /// without it (a short wait suffices); otherwise it must complete.
    /// </summary>
    private static async Task<DeliveryCounts> RunAsync(ServerBehaviour fault, bool expectEverythingDelivered)
    {
        await using var standIn = await StandInRun.StartAsync(Layout, fault);
        standIn.PublishRounds(Rounds);
        await standIn.WaitUntilEverythingWrittenArrivedAsync();
        Assert.Equal(expectEverythingDelivered, await standIn.Run.DrainAsync(expectEverythingDelivered ? StandInRun.Timeout : TimeSpan.FromMilliseconds(200)));
        return standIn.Ledger.Count();
    }
}
