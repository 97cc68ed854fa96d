using Realtime.Gateway.Presence;
using Realtime.Contracts;

namespace Realtime.Gateway.Tests;

public sealed class PendingPresenceChangesTests
{
    private static PresenceEntry Entry(string channel, string client, string user = "u") => new(channel, client, user, null, null);

    [Fact]
    public void A_leave_cancels_a_join_still_waiting_so_the_client_is_reported_gone()
    {
        var pending = new PendingPresenceChanges();
        pending.Join(Entry("room", "c1"));
        pending.Leave("room", "c1");

        var (joins, leaves) = pending.TakeAll();
        Assert.Empty(joins);
        Assert.Equal([new PresenceLeave("room", "c1")], leaves);
    }

    [Fact]
    public void A_join_after_a_leave_is_reported_as_present_with_its_latest_info()
    {
        var pending = new PendingPresenceChanges();
        pending.Join(Entry("room", "c1", "old"));
        pending.Leave("room", "c1");
        pending.Join(Entry("room", "c1", "new"));

        var (joins, leaves) = pending.TakeAll();
        Assert.Empty(leaves);
        Assert.Equal("new", Assert.Single(joins).User);
    }

    [Fact]
    public void Changes_of_other_clients_and_channels_are_kept_apart_and_taking_empties()
    {
        var pending = new PendingPresenceChanges();
        pending.Join(Entry("room", "c1"));
        pending.Join(Entry("room", "c2"));
        pending.Join(Entry("hall", "c1"));
        pending.Leave("hall", "c2");

        var (joins, leaves) = pending.TakeAll();
        Assert.Equal(3, joins.Count);
        Assert.Single(leaves);
        Assert.Equal(0, pending.Count);
    }

    [Fact]
    public void A_failed_report_goes_back_unless_a_newer_change_of_that_client_arrived()
    {
        var pending = new PendingPresenceChanges();
        pending.Join(Entry("room", "c1"));
        pending.Join(Entry("room", "c2"));
        var (joins, leaves) = pending.TakeAll();

        pending.Leave("room", "c1"); // arrived while the report was failing
        pending.Restore(joins, leaves);

        var (retriedJoins, retriedLeaves) = pending.TakeAll();
        Assert.Equal("c2", Assert.Single(retriedJoins).Client);
        Assert.Equal("c1", Assert.Single(retriedLeaves).Client);
    }

    [Fact]
    public void Repeated_churn_of_one_client_holds_one_change()
    {
        var pending = new PendingPresenceChanges();
        for (var i = 0; i < 10_000; i++)
        {
            pending.Join(Entry("room", "c1"));
            pending.Leave("room", "c1");
        }

        Assert.Equal(1, pending.Count);
    }
}
