using Google.Protobuf;
using Realtime.Protocol.Commands;
using Realtime.Protocol.Protobuf;
using Wire = Realtime.Protocol.Protobuf.Wire;

namespace Realtime.Protocol.Tests.Protobuf;

public sealed class ProtobufCommandDecoderTests
{
    /// <summary>Commands as an SDK sends them: each length-delimited, several in one binary message.</summary>
    private static byte[] Message(params Wire.Command[] commands)
    {
        using var stream = new MemoryStream();
        foreach (var command in commands)
        {
            command.WriteDelimitedTo(stream);
        }

        return stream.ToArray();
    }

    private static List<Command> Decode(byte[] message)
    {
        var commands = new List<Command>();
        ProtobufCommandDecoder.Decode(message, commands);
        return commands;
    }

    private static ByteString Json(string json) => ByteString.CopyFromUtf8(json);

    [Fact]
    public void A_message_of_several_commands_decodes_in_order_into_the_same_requests_as_json()
    {
        var connect = new Wire.ConnectRequest { Token = "t", Data = Json("{\"a\":1}"), Name = "dart", Version = "1.0" };
        connect.Subs.Add("news", new Wire.SubscribeRequest { Recover = true, Epoch = "e", Offset = 7 });
        connect.Headers.Add("X-Tenant", "acme");
        var commands = Decode(Message(
            new Wire.Command { Id = 1, Connect = connect },
            new Wire.Command { Id = 2, Subscribe = new Wire.SubscribeRequest { Channel = "chat:1", Recover = true, Epoch = "ep", Offset = 42, Positioned = true, Recoverable = true, JoinLeave = true, Delta = "fossil", Flag = 4 } },
            new Wire.Command { Id = 3, Publish = new Wire.PublishRequest { Channel = "chat:1", Data = Json("{\"text\":\"hi\"}") } },
            new Wire.Command { Id = 4, History = new Wire.HistoryRequest { Channel = "chat:1", Limit = 10, Since = new Wire.StreamPosition { Offset = 3, Epoch = "ep" }, Reverse = true } },
            new Wire.Command { Id = 5, Rpc = new Wire.RPCRequest { Method = "sum", Data = Json("[1,2]") } },
            new Wire.Command { Send = new Wire.SendRequest { Data = Json("\"async\"") } },
            new Wire.Command()));

        Assert.Equal([1u, 2u, 3u, 4u, 5u, 0u, 0u], commands.Select(c => c.Id));
        var c1 = Assert.IsType<ConnectRequest>(commands[0].Request);
        Assert.Equal(("t", "{\"a\":1}", "dart", "1.0"), (c1.Token, c1.Data.ToString(), c1.Name, c1.Version));
        var sub = c1.Subs!["news"];
        Assert.Equal(("news", true, "e", 7ul), (sub.Channel, sub.Recover, sub.Epoch, sub.Offset));
        Assert.Equal("acme", c1.Headers!["X-Tenant"]);

        var s = Assert.IsType<SubscribeRequest>(commands[1].Request);
        Assert.Equal(("chat:1", true, "ep", 42ul, true, true, true, "fossil", 4L), (s.Channel, s.Recover, s.Epoch, s.Offset, s.Positioned, s.Recoverable, s.JoinLeave, s.Delta, s.Flag));
        Assert.Null(s.Token);

        var p = Assert.IsType<PublishRequest>(commands[2].Request);
        Assert.Equal(("chat:1", "{\"text\":\"hi\"}"), (p.Channel, p.Data.ToString()));

        var h = Assert.IsType<HistoryRequest>(commands[3].Request);
        Assert.Equal(("chat:1", 10, new StreamPosition(3, "ep"), true), (h.Channel, h.Limit, h.Since, h.Reverse));

        var r = Assert.IsType<RpcRequest>(commands[4].Request);
        Assert.Equal(("sum", "[1,2]"), (r.RpcMethod, r.Data.ToString()));
        Assert.Equal("\"async\"", Assert.IsType<SendRequest>(commands[5].Request).Data.ToString());
        Assert.Same(PongRequest.Instance, commands[6].Request);
    }

    [Fact]
    public void Field_less_requests_and_unknown_methods_are_recognised()
    {
        var commands = Decode(Message(
            new Wire.Command { Id = 1, Ping = new Wire.PingRequest() },
            new Wire.Command { Id = 2, Unsubscribe = new Wire.UnsubscribeRequest { Channel = "a" } },
            new Wire.Command { Id = 3, PresenceStats = new Wire.PresenceStatsRequest { Channel = "b" } },
            new Wire.Command { Id = 4, Refresh = new Wire.RefreshRequest { Token = "new" } },
            new Wire.Command { Id = 5, SubRefresh = new Wire.SubRefreshRequest { Channel = "c", Token = "sub" } },
            new Wire.Command { Id = 6 }));
        Assert.Same(PingRequest.Instance, commands[0].Request);
        Assert.Equal("a", Assert.IsType<UnsubscribeRequest>(commands[1].Request).Channel);
        Assert.Equal("b", Assert.IsType<PresenceStatsRequest>(commands[2].Request).Channel);
        Assert.Equal("new", Assert.IsType<RefreshRequest>(commands[3].Request).Token);
        Assert.Equal(("c", "sub"), (Assert.IsType<SubRefreshRequest>(commands[4].Request).Channel, ((SubRefreshRequest)commands[4].Request).Token));
        Assert.IsType<UnknownMethodRequest>(commands[5].Request);
    }

    [Fact]
    public void Unknown_fields_from_newer_sdks_are_skipped()
    {
        // Field 99 (a varint) is not in our schema.
        var known = new Wire.Command { Id = 9, Ping = new Wire.PingRequest() }.ToByteArray();
        var body = known.Concat(new byte[] { 0x98, 0x06, 0x01 }).ToArray();
        var message = new byte[] { (byte)body.Length }.Concat(body).ToArray();
        Assert.Same(PingRequest.Instance, Assert.Single(Decode(message)).Request);
    }

    public static TheoryData<string, byte[]> Malformed => new()
    {
        { "a length running past the message", new byte[] { 10, 8, 1 } },
        { "a truncated length varint", new byte[] { 0x80 } },
        { "a length over 2^31", new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0x0F } },
        { "bytes that are not Protobuf", new byte[] { 3, 0xFF, 0xFF, 0xFF } },
        { "a publish without an id", Message(new Wire.Command { Publish = new Wire.PublishRequest { Channel = "a", Data = Json("1") } }) },
        { "two requests in one command", Message(new Wire.Command { Id = 1, Ping = new Wire.PingRequest(), Presence = new Wire.PresenceRequest { Channel = "a" } }) },
        { "data that is not one JSON value", Message(new Wire.Command { Id = 1, Publish = new Wire.PublishRequest { Channel = "a", Data = ByteString.CopyFrom(0xDE, 0xAD) } }) },
        { "data that is a JSON fragment", Message(new Wire.Command { Id = 1, Publish = new Wire.PublishRequest { Channel = "a", Data = Json("1,\"channel\":\"b\"") } }) },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Malformed_messages_are_refused(string what, byte[] message)
    {
        var refused = Record.Exception(() => Decode(message));
        Assert.True(refused is MalformedCommandException, $"{what}: {refused?.GetType().Name ?? "accepted"}");
    }
}
