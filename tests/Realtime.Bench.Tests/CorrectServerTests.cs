using Realtime.Bench.Tests.StandIn;
using Realtime.Testing;

namespace Realtime.Bench.Tests;

/// <summary>Against a stand-in that does everything right, the bench reports nothing wrong.</summary>
public sealed class CorrectServerTests
{
    [Fact]
    public async Task Paced_publishing_is_counted_as_fully_delivered_to_both_ends_of_every_pair()
    {
        var layout = StandInRun.Pairs(clients: 6);
        await using var standIn = await StandInRun.StartAsync(layout, new ServerBehaviour());
        var run = standIn.Run;

        // The scenarios' own path: the open-loop pacer, stopped once enough went out.
        run.StartPublishing(rate: 300);
        await Eventually.TrueAsync(() => Task.FromResult(run.Pacer!.Sent >= 60), StandInRun.Timeout, "60 publishes sent");
        await run.StopPublishingAsync();
        Assert.True(await run.DrainAsync(StandInRun.Timeout));
        await standIn.WaitUntilEverythingWrittenArrivedAsync();

        var counts = standIn.Ledger.Count();
        Assert.Equal(run.Pacer!.Sent, counts.Sent);
        Assert.Equal(counts.Sent, counts.Acked);
        Assert.Equal(0, counts.Failed);
        Assert.Equal(0, counts.Lost);
        Assert.Equal(0, counts.Duplicated);
        Assert.Equal(0, counts.OutOfOrder);
        Assert.Equal(2 * counts.Acked, counts.Delivered);
        AssertBothEndsGotEverything(standIn);
    }

    /// <summary>Each end of a pair received every acknowledged publication of both ends (its own too).</summary>
    private static void AssertBothEndsGotEverything(StandInRun standIn)
    {
        foreach (var subscriber in standIn.Subscribers())
        {
            var pair = standIn.Ledger.Publishers.Where(p => p.Channel == subscriber.Channel).ToList();
            Assert.Equal(2, pair.Count);
            foreach (var publisher in pair)
            {
                Assert.Equal(0, publisher.MissingFrom(subscriber.ReceivedFrom(publisher.Sender)));
                Assert.Equal(publisher.Acked, subscriber.ReceivedFrom(publisher.Sender)?.Count ?? 0);
            }
        }

        Assert.Equal(standIn.Run.Layout.Clients.Length, standIn.Subscribers().Count());
    }
}
