using Realtime.Protocol.Codes;
using Realtime.Protocol.Commands;
using Realtime.Protocol.Protobuf;
using Realtime.Protocol.Replies;
using Wire = Realtime.Protocol.Protobuf.Wire;

namespace Realtime.Protocol.Tests.Protobuf;

public sealed class ProtobufFramesTests
{
    private static Wire.Reply Read(byte[] frame)
    {
        using var stream = new MemoryStream(frame);
        var reply = Wire.Reply.Parser.ParseDelimitedFrom(stream);
        Assert.Equal(frame.Length, stream.Position); // exactly one delimited message, nothing after it
        return reply;
    }

    private static readonly Publication Sample = new()
    {
        Data = RawJson.FromString("{\"text\":\"hi\"}"),
        Info = new ClientInfo("ann", "c1", RawJson.FromString("{\"name\":\"Ann\"}")),
        Offset = 12,
        Tags = new Dictionary<string, string> { ["k"] = "v" },
        Time = 1_700_000_000_000,
    };

    [Fact]
    public void Frames_queued_together_concatenate_into_one_readable_stream()
    {
        var frames = new[]
        {
            ProtobufFrames.Empty(1, CommandMethod.Publish),
            ProtobufFrames.Error(2, ProtocolError.PermissionDenied),
            ProtobufFrames.Ping.ToArray(),
            ProtobufFrames.PublicationPush("chat:1", Sample),
        };
        using var stream = new MemoryStream(frames.SelectMany(f => f).ToArray());
        var replies = Enumerable.Range(0, frames.Length).Select(_ => Wire.Reply.Parser.ParseDelimitedFrom(stream)).ToList();
        Assert.Equal(stream.Length, stream.Position);

        Assert.Equal(1u, replies[0].Id);
        Assert.NotNull(replies[0].Publish);
        Assert.Equal((2u, ProtocolError.PermissionDenied.Code, ProtocolError.PermissionDenied.Message), (replies[1].Id, replies[1].Error.Code, replies[1].Error.Message));
        Assert.Equal(new Wire.Reply(), replies[2]); // the ping: an empty reply
        Assert.Equal("chat:1", replies[3].Push.Channel);
    }

    [Fact]
    public void A_publication_carries_its_json_as_bytes_with_info_offset_tags_and_time()
    {
        var pub = Read(ProtobufFrames.PublicationPush("chat:1", Sample)).Push.Pub;
        Assert.Equal("{\"text\":\"hi\"}", pub.Data.ToStringUtf8());
        Assert.Equal(("ann", "c1", "{\"name\":\"Ann\"}"), (pub.Info.User, pub.Info.Client, pub.Info.ConnInfo.ToStringUtf8()));
        Assert.True(pub.Info.ChanInfo.IsEmpty);
        Assert.Equal((12ul, 1_700_000_000_000L, "v", false), (pub.Offset, pub.Time, pub.Tags["k"], pub.Delta));
    }

    [Fact]
    public void A_delta_is_raw_bytes_flagged_as_a_delta()
    {
        var delta = Sample with { Form = PublicationDataForm.Delta, DeltaBytes = new byte[] { 1, 2, 0xFF } };
        var pub = Read(ProtobufFrames.PublicationPush("chat:1", delta)).Push.Pub;
        Assert.True(pub.Delta);
        Assert.Equal(new byte[] { 1, 2, 0xFF }, pub.Data.ToByteArray());
    }

    [Fact]
    public void Connect_and_subscribe_results_carry_every_field()
    {
        var subscribe = new SubscribeResult
        {
            Expires = true, Ttl = 60, Recoverable = true, Epoch = "ep", Publications = [Sample], Recovered = true,
            Offset = 12, Positioned = true, Data = RawJson.FromString("1"), WasRecovering = true, Delta = true,
        };
        var connect = Read(ProtobufFrames.Connect(1, new ConnectResult
        {
            Client = "c1", Version = "0.1", Expires = true, Ttl = 30, Data = RawJson.FromString("{}"),
            Subs = new Dictionary<string, SubscribeResult> { ["news"] = subscribe }, Ping = 25, Pong = true, Node = "gw-1",
        })).Connect;
        Assert.Equal(("c1", "0.1", true, 30u, "{}", 25u, true, "gw-1"), (connect.Client, connect.Version, connect.Expires, connect.Ttl, connect.Data.ToStringUtf8(), connect.Ping, connect.Pong, connect.Node));
        var sub = connect.Subs["news"];
        Assert.Equal((true, 60u, true, "ep", true, 12ul, true, "1", true, true), (sub.Expires, sub.Ttl, sub.Recoverable, sub.Epoch, sub.Recovered, sub.Offset, sub.Positioned, sub.Data.ToStringUtf8(), sub.WasRecovering, sub.Delta));
        Assert.Equal(12ul, Assert.Single(sub.Publications).Offset);

        var pushed = Read(ProtobufFrames.SubscribePush("news", subscribe)).Push;
        Assert.Equal(("news", true, "ep", 12ul, true), (pushed.Channel, pushed.Subscribe.Recoverable, pushed.Subscribe.Epoch, pushed.Subscribe.Offset, pushed.Subscribe.Positioned));
    }

    [Fact]
    public void Query_replies_keep_their_numbers_and_positions_even_when_empty()
    {
        var stats = Read(ProtobufFrames.PresenceStats(3, new PresenceStatsResult(0, 0)));
        Assert.NotNull(stats.PresenceStats);
        var history = Read(ProtobufFrames.History(4, new HistoryResult([], "ep", 9))).History;
        Assert.Equal(("ep", 9ul, 0), (history.Epoch, history.Offset, history.Publications.Count));
        var presence = Read(ProtobufFrames.Presence(5, new Dictionary<string, ClientInfo> { ["c1"] = new("ann", "c1") })).Presence;
        Assert.Equal("ann", presence.Presence["c1"].User);
        Assert.Equal("[3]", Read(ProtobufFrames.Rpc(6, RawJson.FromString("[3]"))).Rpc.Data.ToStringUtf8());
        var refresh = Read(ProtobufFrames.Refresh(7, new RefreshResult("c1", "", true, 60))).Refresh;
        Assert.Equal(("c1", true, 60u), (refresh.Client, refresh.Expires, refresh.Ttl));
        Assert.Equal(45u, Read(ProtobufFrames.SubRefresh(8, new SubRefreshResult(true, 45))).SubRefresh.Ttl);
    }

    [Fact]
    public void Pushes_without_a_publication_carry_their_own_fields()
    {
        Assert.Equal("bob", Read(ProtobufFrames.JoinPush("room", new ClientInfo("bob", "c2"))).Push.Join.Info.User);
        Assert.Equal("bob", Read(ProtobufFrames.LeavePush("room", new ClientInfo("bob", "c2"))).Push.Leave.Info.User);
        var unsubscribe = Read(ProtobufFrames.UnsubscribePush("room", Unsubscribe.Server)).Push;
        Assert.Equal(("room", Unsubscribe.Server.Code), (unsubscribe.Channel, unsubscribe.Unsubscribe.Code));
        Assert.Equal("\"m\"", Read(ProtobufFrames.MessagePush(RawJson.FromString("\"m\""))).Push.Message.Data.ToStringUtf8());
        var disconnect = Read(ProtobufFrames.DisconnectPush(Disconnect.Shutdown)).Push.Disconnect;
        Assert.Equal((Disconnect.Shutdown.Code, Disconnect.Shutdown.Reason), (disconnect.Code, disconnect.Reason));
        Assert.Equal(30u, Read(ProtobufFrames.RefreshPush(true, 30)).Push.Refresh.Ttl);
    }
}
