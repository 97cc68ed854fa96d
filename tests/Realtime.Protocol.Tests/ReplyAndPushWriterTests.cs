using System.Text;
using Realtime.Protocol.Codes;
using Realtime.Protocol.Replies;

namespace Realtime.Protocol.Tests;

public sealed class ReplyAndPushWriterTests
{
    private static string Encode<T>(T state, Action<System.Text.Json.Utf8JsonWriter, T> write) =>
        Encoding.UTF8.GetString(FrameEncoder.Encode(state, write));

    [Fact]
    public void Error_reply_carries_code_message_and_temporary_only_when_set()
    {
        Assert.Equal("""{"id":3,"error":{"code":103,"message":"permission denied"}}""",
            Encode(ProtocolError.PermissionDenied, (w, e) => ReplyWriter.Error(w, 3, e)));
        Assert.Equal("""{"id":4,"error":{"code":100,"message":"internal server error","temporary":true}}""",
            Encode(ProtocolError.Internal, (w, e) => ReplyWriter.Error(w, 4, e)));
    }

    [Fact]
    public void Empty_results_are_named_objects()
    {
        Assert.Equal("""{"id":9,"publish":{}}""", Encode(0, (w, _) => ReplyWriter.Empty(w, 9, ReplyWriter.PublishMethod)));
    }

    [Fact]
    public void Connect_reply_omits_empty_fields()
    {
        var result = new ConnectResult { Client = "c1", Version = "0.1.0", Ping = 25, Pong = true, Node = "n1" };
        Assert.Equal("""{"id":1,"connect":{"client":"c1","version":"0.1.0","ping":25,"pong":true,"node":"n1"}}""",
            Encode(result, (w, r) => ReplyWriter.Connect(w, 1, r)));
    }

    [Fact]
    public void Subscribe_reply_with_recovered_publications()
    {
        var result = new SubscribeResult
        {
            Recoverable = true,
            Epoch = "ep",
            Offset = 7,
            Recovered = true,
            WasRecovering = true,
            Publications = [new Publication { Data = RawJson.FromString("""{"t":1}"""), Offset = 7 }],
        };
        Assert.Equal("""{"id":2,"subscribe":{"recoverable":true,"epoch":"ep","publications":[{"data":{"t":1},"offset":7}],"recovered":true,"offset":7,"was_recovering":true}}""",
            Encode(result, (w, r) => ReplyWriter.Subscribe(w, 2, r)));
    }

    [Fact]
    public void Publication_push_embeds_data_and_publisher_info()
    {
        var publication = new Publication
        {
            Data = RawJson.FromString("""{"text":"привет"}"""),
            Info = new ClientInfo("u1", "c1", RawJson.FromString("""{"name":"Ann"}""")),
            Offset = 42,
            Tags = new Dictionary<string, string> { ["k"] = "v" },
        };
        Assert.Equal("""{"push":{"channel":"chat:1","pub":{"data":{"text":"привет"},"info":{"user":"u1","client":"c1","conn_info":{"name":"Ann"}},"offset":42,"tags":{"k":"v"}}}}""",
            Encode(publication, (w, p) => PushWriter.Publication(w, "chat:1", p)));
    }

    [Fact]
    public void Join_leave_unsubscribe_and_disconnect_pushes()
    {
        var info = new ClientInfo("u", "c");
        Assert.Equal("""{"push":{"channel":"a","join":{"info":{"user":"u","client":"c"}}}}""", Encode(info, (w, i) => PushWriter.Join(w, "a", i)));
        Assert.Equal("""{"push":{"channel":"a","leave":{"info":{"user":"u","client":"c"}}}}""", Encode(info, (w, i) => PushWriter.Leave(w, "a", i)));
        Assert.Equal("""{"push":{"channel":"a","unsubscribe":{"code":2500,"reason":"insufficient state"}}}""",
            Encode(Unsubscribe.InsufficientState, (w, u) => PushWriter.Unsubscribe(w, "a", u)));
        Assert.Equal("""{"push":{"disconnect":{"code":3001,"reason":"shutdown"}}}""", Encode(Disconnect.Shutdown, (w, d) => PushWriter.Disconnect(w, d)));
    }

    [Fact]
    public void Presence_and_stats_replies()
    {
        var presence = new Dictionary<string, ClientInfo> { ["c1"] = new("u1", "c1") };
        Assert.Equal("""{"id":5,"presence":{"presence":{"c1":{"user":"u1","client":"c1"}}}}""", Encode(presence, (w, p) => ReplyWriter.Presence(w, 5, p)));
        Assert.Equal("""{"id":6,"presence_stats":{"num_clients":2,"num_users":1}}""",
            Encode(new PresenceStatsResult(2, 1), (w, s) => ReplyWriter.PresenceStats(w, 6, s)));
        Assert.Equal("""{"id":7,"presence_stats":{"num_clients":0,"num_users":0}}""",
            Encode(new PresenceStatsResult(0, 0), (w, s) => ReplyWriter.PresenceStats(w, 7, s)));
    }

    [Fact]
    public void A_history_reply_carries_publications_epoch_and_offset_even_when_empty()
    {
        Assert.Equal("""{"id":8,"history":{"publications":[],"epoch":"","offset":0}}""",
            Encode(new HistoryResult([], "", 0), (w, h) => ReplyWriter.History(w, 8, h)));
    }

    [Fact]
    public void Reconnect_advice_follows_the_code_ranges()
    {
        Assert.True(Disconnect.Shutdown.Reconnect);
        Assert.True(Disconnect.Slow.Reconnect);
        Assert.True(Disconnect.NoPong.Reconnect);
        Assert.False(Disconnect.InvalidToken.Reconnect);
        Assert.False(Disconnect.BadRequest.Reconnect);
        Assert.False(Disconnect.ConnectionLimit.Reconnect);
        Assert.True(new Disconnect(4001, "custom").Reconnect);
        Assert.False(new Disconnect(4501, "custom").Reconnect);
        Assert.True(Unsubscribe.InsufficientState.Resubscribe);
        Assert.False(Unsubscribe.Server.Resubscribe);
    }
}
