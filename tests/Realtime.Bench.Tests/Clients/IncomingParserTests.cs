using System.Text;
using Realtime.Bench.Clients;

namespace Realtime.Bench.Tests.Clients;

public sealed class IncomingParserTests
{
    [Fact]
    public void A_publication_push_yields_channel_sender_sequence_timestamp_and_offset()
    {
        var frame = IncomingParser.Parse("""{"push":{"channel":"c","pub":{"data":{"s":1,"n":2,"t":3,"p":"x"},"offset":7}}}"""u8);

        Assert.Equal(IncomingKind.Publication, frame.Kind);
        Assert.Equal("c", Encoding.UTF8.GetString(frame.Channel));
        Assert.Equal(new ReceivedPublication(Sender: 1, Sequence: 2, Timestamp: 3, Offset: 7), frame.Publication);
    }

    [Fact]
    public void A_publish_reply_is_a_reply_without_error()
    {
        var frame = IncomingParser.Parse("""{"id":1000005,"publish":{}}"""u8);

        Assert.Equal(IncomingKind.Reply, frame.Kind);
        Assert.Equal(ReplyMethod.Publish, frame.Method);
        Assert.Equal(1_000_005u, frame.Id);
        Assert.Equal(0, frame.ErrorCode);
    }

    [Fact]
    public void An_error_reply_carries_its_code()
    {
        var frame = IncomingParser.Parse("""{"id":1000006,"error":{"code":103,"message":"permission denied"}}"""u8);

        Assert.Equal(IncomingKind.Reply, frame.Kind);
        Assert.Equal(1_000_006u, frame.Id);
        Assert.Equal(103, frame.ErrorCode);
    }

    [Fact]
    public void An_empty_object_is_a_ping()
    {
        var frame = IncomingParser.Parse("{}"u8);

        Assert.Equal(IncomingKind.Ping, frame.Kind);
    }

    [Fact]
    public void A_subscribe_reply_yields_position_recovery_and_the_recovered_publications_in_order()
    {
        var frame = IncomingParser.Parse("""
            {"id":2,"subscribe":{"recoverable":true,"epoch":"ep","offset":12,"recovered":true,"positioned":true,
             "publications":[{"data":{"s":3,"n":4,"t":5,"p":"x"},"offset":11},{"data":{"s":3,"n":5,"t":6,"p":"x"},"offset":12}]}}
            """u8);

        Assert.Equal(IncomingKind.Reply, frame.Kind);
        Assert.Equal(ReplyMethod.Subscribe, frame.Method);
        Assert.Equal(2u, frame.Id);
        Assert.Equal("ep", frame.Epoch);
        Assert.Equal(12ul, frame.Offset);
        Assert.True(frame.Recovered);
        Assert.Equal([new ReceivedPublication(3, 4, 5, 11), new ReceivedPublication(3, 5, 6, 12)], frame.Publications);
    }

    [Fact]
    public void A_disconnect_push_carries_its_code_and_other_pushes_are_not_publications()
    {
        var disconnect = IncomingParser.Parse("""{"push":{"disconnect":{"code":3001,"reason":"shutdown"}}}"""u8);
        var join = IncomingParser.Parse("""{"push":{"channel":"c","join":{"info":{"user":"u"}}}}"""u8);

        Assert.Equal(IncomingKind.Disconnect, disconnect.Kind);
        Assert.Equal(3001, disconnect.DisconnectCode);
        Assert.Equal(IncomingKind.OtherPush, join.Kind);
    }

    [Fact]
    public void One_message_of_several_lines_is_read_line_by_line_skipping_empty_ones()
    {
        ReadOnlySpan<byte> message = """
            {"id":1,"connect":{"client":"x"}}
            {"id":2,"subscribe":{"epoch":"e","offset":0}}

            {"push":{"channel":"c","pub":{"data":{"s":1,"n":0,"t":9},"offset":1}}}
            {}
            """u8;
        var kinds = new List<(IncomingKind Kind, uint Id)>();

        while (IncomingParser.NextLine(ref message, out var line))
        {
            var frame = IncomingParser.Parse(line);
            kinds.Add((frame.Kind, frame.Id));
        }

        Assert.Equal([(IncomingKind.Reply, 1u), (IncomingKind.Reply, 2u), (IncomingKind.Publication, 0u), (IncomingKind.Ping, 0u)], kinds);
    }
}
