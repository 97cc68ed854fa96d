using System.Text;
using Realtime.Gateway.Hub;
using Realtime.Protocol;

namespace Realtime.Gateway.Tests;

public sealed class ChannelSubscriptionTests
{
    [Fact]
    public void Publications_arriving_while_subscribing_are_held_and_released_after_the_reply_position()
    {
        var client = new RecordingSubscriber();
        var subscription = new ChannelSubscription("c", client);
        subscription.Deliver(Frame("p4"), 4, "e");
        subscription.Deliver(Frame("p5"), 5, "e");
        subscription.Deliver(Frame("p6"), 6, "e");
        Assert.Empty(client.Pushed);

        // The subscribe reply already brought the client to offset 5.
        subscription.Activate(5, "e");
        Assert.Equal(["p6"], client.Pushed);
    }

    [Fact]
    public void Live_publications_already_seen_are_not_pushed_twice()
    {
        var client = new RecordingSubscriber();
        var subscription = new ChannelSubscription("c", client);
        subscription.Activate(0, "e");
        subscription.Deliver(Frame("p1"), 1, "e");
        subscription.Deliver(Frame("p1 again"), 1, "e");
        subscription.Deliver(Frame("p2"), 2, "e");
        Assert.Equal(["p1", "p2"], client.Pushed);
    }

    [Fact]
    public void Publications_without_offsets_are_always_pushed()
    {
        var client = new RecordingSubscriber();
        var subscription = new ChannelSubscription("c", client);
        subscription.Deliver(Frame("a"), 0, "");
        subscription.Activate(0, null);
        subscription.Deliver(Frame("b"), 0, "");
        Assert.Equal(["a", "b"], client.Pushed);
    }

    [Fact]
    public void A_positioned_subscription_that_sees_a_gap_asks_the_client_to_recover()
    {
        var client = new RecordingSubscriber();
        var subscription = new ChannelSubscription("c", client, positioned: true);
        subscription.Activate(3, "e");
        subscription.Deliver(Frame("p4"), 4, "e");
        subscription.Deliver(Frame("p6"), 6, "e");
        subscription.Deliver(Frame("p7"), 7, "e");

        Assert.Equal(["p4"], client.Pushed);
        Assert.Equal(1, client.InsufficientStates);
    }

    [Fact]
    public void An_unpositioned_subscription_tolerates_gaps()
    {
        var client = new RecordingSubscriber();
        var subscription = new ChannelSubscription("c", client);
        subscription.Activate(3, "e");
        subscription.Deliver(Frame("p5"), 5, "e");
        Assert.Equal(["p5"], client.Pushed);
        Assert.Equal(0, client.InsufficientStates);
    }

    [Fact]
    public void A_new_epoch_in_the_live_stream_asks_the_client_to_recover()
    {
        var client = new RecordingSubscriber();
        var subscription = new ChannelSubscription("c", client);
        subscription.Activate(10, "old");
        subscription.Deliver(Frame("reset"), 1, "new");
        Assert.Empty(client.Pushed);
        Assert.Equal(1, client.InsufficientStates);
    }

    [Fact]
    public void Join_and_leave_go_only_to_subscribers_who_want_them_in_arrival_order()
    {
        var wants = new RecordingSubscriber();
        var doesNot = new RecordingSubscriber();
        var withEvents = new ChannelSubscription("c", wants) { PushJoinLeave = true };
        var without = new ChannelSubscription("c", doesNot);
        foreach (var subscription in new[] { withEvents, without })
        {
            subscription.DeliverPresenceEvent(Encoding.UTF8.GetBytes("join"));
            subscription.Deliver(Frame("p1"), 1, "e");
            subscription.Activate(0, "e");
            subscription.DeliverPresenceEvent(Encoding.UTF8.GetBytes("leave"));
        }

        Assert.Equal(["join", "p1", "leave"], wants.Pushed);
        Assert.Equal(["p1"], doesNot.Pushed);
    }

    private static long _sequence;

    private static PublicationFrames Frame(string text) => new(Encoding.UTF8.GetBytes(text), Interlocked.Increment(ref _sequence));

    [Fact]
    public void A_delta_subscriber_gets_the_delta_only_when_its_last_publication_is_the_base()
    {
        var subscriber = new RecordingSubscriber();
        var subscription = new ChannelSubscription("c", subscriber) { Delta = true };
        subscription.Activate(0, "e");

        PublicationFrames Publication(int sequence) => new(Encoding.UTF8.GetBytes($"json{sequence}"), sequence)
        {
            FullString = Encoding.UTF8.GetBytes($"full{sequence}"),
            Delta = sequence == 1 ? default : Encoding.UTF8.GetBytes($"delta{sequence}"),
        };

        subscription.Deliver(Publication(1), 1, "e"); // no base yet
        subscription.Deliver(Publication(2), 2, "e"); // base is 1, which it has
        subscription.Deliver(Publication(4), 3, "e"); // the node's 3 never reached it: full
        subscription.Deliver(Publication(5), 4, "e");

        Assert.Equal(["full1", "delta2", "full4", "delta5"], subscriber.Pushed);
    }

    [Fact]
    public void A_protobuf_subscriber_gets_the_protobuf_forms_of_publications_deltas_and_join_leave()
    {
        var plain = new RecordingSubscriber(ProtocolFormat.Protobuf);
        var withDelta = new RecordingSubscriber(ProtocolFormat.Protobuf);
        var subscriptions = new[]
        {
            new ChannelSubscription("c", plain) { PushJoinLeave = true },
            new ChannelSubscription("c", withDelta) { Delta = true, PushJoinLeave = true },
        };

        PublicationFrames Publication(int sequence) => new(Encoding.UTF8.GetBytes($"json{sequence}"), sequence)
        {
            FullString = Encoding.UTF8.GetBytes($"full{sequence}"),
            Delta = Encoding.UTF8.GetBytes($"delta{sequence}"),
            Protobuf = Encoding.UTF8.GetBytes($"pb{sequence}"),
            ProtobufDelta = sequence == 1 ? default : Encoding.UTF8.GetBytes($"pbdelta{sequence}"),
        };

        foreach (var subscription in subscriptions)
        {
            subscription.Activate(0, "e");
            subscription.Deliver(Publication(1), 1, "e");
            subscription.Deliver(Publication(2), 2, "e");
            subscription.DeliverPresenceEvent(Encoding.UTF8.GetBytes("join"), Encoding.UTF8.GetBytes("pbjoin"));
        }

        Assert.Equal(["pb1", "pb2", "pbjoin"], plain.Pushed);
        Assert.Equal(["pb1", "pbdelta2", "pbjoin"], withDelta.Pushed);
    }

    private sealed class RecordingSubscriber(ProtocolFormat format = ProtocolFormat.Json) : ISubscriber
    {
        public ProtocolFormat Format { get; } = format;

        public List<string> Pushed { get; } = [];

        public int InsufficientStates { get; private set; }

        public void Push(ReadOnlyMemory<byte> frame) => Pushed.Add(Encoding.UTF8.GetString(frame.Span));

        public void InsufficientState(ChannelSubscription subscription) => InsufficientStates++;
    }
}
