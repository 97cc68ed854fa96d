using System.Text;
using Realtime.Connection.Hub;
using Realtime.Protocol.Codes;

namespace Realtime.Connection.Tests;

public sealed class ChannelSubscriptionTests
{
    [Fact]
    public void Publications_arriving_while_subscribing_are_held_and_released_after_the_reply_position()
    {
        var client = new RecordingSubscriber();
        var subscription = new ChannelSubscription("c", client);
        subscription.Deliver(Frame("p4"), 4);
        subscription.Deliver(Frame("p5"), 5);
        subscription.Deliver(Frame("p6"), 6);
        Assert.Empty(client.Pushed);

        // The subscribe reply already brought the client to offset 5.
        subscription.Activate(5);
        Assert.Equal(["p6"], client.Pushed);
    }

    [Fact]
    public void Live_publications_already_seen_are_not_pushed_twice()
    {
        var client = new RecordingSubscriber();
        var subscription = new ChannelSubscription("c", client);
        subscription.Activate(0);
        subscription.Deliver(Frame("p1"), 1);
        subscription.Deliver(Frame("p1 again"), 1);
        subscription.Deliver(Frame("p2"), 2);
        Assert.Equal(["p1", "p2"], client.Pushed);
    }

    [Fact]
    public void Publications_without_offsets_are_always_pushed()
    {
        var client = new RecordingSubscriber();
        var subscription = new ChannelSubscription("c", client);
        subscription.Deliver(Frame("a"), 0);
        subscription.Activate(0);
        subscription.Deliver(Frame("b"), 0);
        Assert.Equal(["a", "b"], client.Pushed);
    }

    private static ReadOnlyMemory<byte> Frame(string text) => Encoding.UTF8.GetBytes(text);

    private sealed class RecordingSubscriber : ISubscriber
    {
        public List<string> Pushed { get; } = [];

        public void Push(ReadOnlyMemory<byte> frame) => Pushed.Add(Encoding.UTF8.GetString(frame.Span));

        public void Disconnect(Disconnect disconnect) => throw new InvalidOperationException("unexpected disconnect");
    }
}
