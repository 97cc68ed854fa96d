using System.Text;
using Realtime.Protocol.Commands;

namespace Realtime.Protocol.Tests;

public sealed class CommandDecoderTests
{
    private static List<Command> Decode(string frame)
    {
        var commands = new List<Command>();
        CommandDecoder.Decode(Encoding.UTF8.GetBytes(frame), commands);
        return commands;
    }

    [Fact]
    public void Connect_reads_every_field_the_sdk_sends()
    {
        var command = Assert.Single(Decode("""{"id":1,"connect":{"token":"t","data":{"a":[1,2]},"name":"js","version":"5.7.4","headers":{"x":"y"},"flag":3,"subs":{"news":{"recover":true,"offset":5,"epoch":"e1"}}}}"""));
        var connect = Assert.IsType<ConnectRequest>(command.Request);
        Assert.Equal(1u, command.Id);
        Assert.Equal("t", connect.Token);
        Assert.Equal("""{"a":[1,2]}""", connect.Data.ToString());
        Assert.Equal("js", connect.Name);
        Assert.Equal("y", connect.Headers!["x"]);
        Assert.Equal(3, connect.Flag);
        var sub = connect.Subs!["news"];
        Assert.Equal("news", sub.Channel);
        Assert.True(sub.Recover);
        Assert.Equal(5UL, sub.Offset);
        Assert.Equal("e1", sub.Epoch);
    }

    [Fact]
    public void Newline_delimited_frame_yields_commands_in_order()
    {
        var commands = Decode("{\"id\":1,\"subscribe\":{\"channel\":\"a\"}}\n{\"id\":2,\"publish\":{\"channel\":\"a\",\"data\":\"x\"}}\n\n{\"id\":3,\"ping\":{}}\n");
        Assert.Collection(commands,
            c => Assert.Equal("a", Assert.IsType<SubscribeRequest>(c.Request).Channel),
            c => Assert.Equal("\"x\"", Assert.IsType<PublishRequest>(c.Request).Data.ToString()),
            c => Assert.IsType<PingRequest>(c.Request));
    }

    [Fact]
    public void Empty_object_is_a_pong()
    {
        var command = Assert.Single(Decode("{}"));
        Assert.IsType<PongRequest>(command.Request);
        Assert.Equal(0u, command.Id);
    }

    [Fact]
    public void Publish_data_keeps_its_exact_bytes()
    {
        var publish = Assert.IsType<PublishRequest>(Assert.Single(Decode("""{"id":7,"publish":{"channel":"c","data":{ "text" : "héllo", "n": 1.50 }}}""")).Request);
        Assert.Equal("""{ "text" : "héllo", "n": 1.50 }""", publish.Data.ToString());
    }

    [Fact]
    public void History_reads_since_position_limit_and_reverse()
    {
        var history = Assert.IsType<HistoryRequest>(Assert.Single(Decode("""{"id":4,"history":{"channel":"c","limit":10,"since":{"offset":3,"epoch":"ep"},"reverse":true}}""")).Request);
        Assert.Equal(10, history.Limit);
        Assert.Equal(new StreamPosition(3, "ep"), history.Since);
        Assert.True(history.Reverse);
    }

    [Fact]
    public void Every_method_of_client_proto_is_recognised()
    {
        var commands = Decode(string.Join('\n',
            """{"id":1,"connect":{}}""",
            """{"id":2,"subscribe":{"channel":"c"}}""",
            """{"id":3,"unsubscribe":{"channel":"c"}}""",
            """{"id":4,"publish":{"channel":"c","data":{}}}""",
            """{"id":5,"presence":{"channel":"c"}}""",
            """{"id":6,"presence_stats":{"channel":"c"}}""",
            """{"id":7,"history":{"channel":"c"}}""",
            """{"id":8,"ping":{}}""",
            """{"send":{"data":{}}}""",
            """{"id":10,"rpc":{"method":"m","data":{}}}""",
            """{"id":11,"refresh":{"token":"t"}}""",
            """{"id":12,"sub_refresh":{"channel":"c","token":"t"}}"""));
        Assert.Equal(
            [CommandMethod.Connect, CommandMethod.Subscribe, CommandMethod.Unsubscribe, CommandMethod.Publish, CommandMethod.Presence,
             CommandMethod.PresenceStats, CommandMethod.History, CommandMethod.Ping, CommandMethod.Send, CommandMethod.Rpc,
             CommandMethod.Refresh, CommandMethod.SubRefresh],
            commands.Select(c => c.Request.Method));
        Assert.Equal("m", Assert.IsType<RpcRequest>(commands[9].Request).RpcMethod);
    }

    [Fact]
    public void Unknown_method_is_kept_so_it_can_be_answered_with_104()
    {
        var request = Assert.IsType<UnknownMethodRequest>(Assert.Single(Decode("""{"id":5,"teleport":{"to":"mars"}}""")).Request);
        Assert.Equal("teleport", request.Name);
    }

    [Fact]
    public void Null_fields_mean_defaults()
    {
        var subscribe = Assert.IsType<SubscribeRequest>(Assert.Single(Decode("""{"id":1,"subscribe":{"channel":"c","token":null,"offset":null,"recover":null},"publish":null}""")).Request);
        Assert.Null(subscribe.Token);
        Assert.Equal(0UL, subscribe.Offset);
        Assert.False(subscribe.Recover);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"id\":1,\"subscribe\":{\"channel\":\"c\"}")]
    [InlineData("[1,2,3]")]
    [InlineData("{\"id\":1,\"subscribe\":{\"channel\":\"c\",\"bogus\":1}}")]
    [InlineData("{\"id\":1,\"subscribe\":{\"channel\":\"c\"},\"publish\":{\"channel\":\"c\",\"data\":1}}")]
    [InlineData("{\"id\":-1,\"ping\":{}}")]
    [InlineData("{\"id\":1,\"subscribe\":{\"channel\":5}}")]
    [InlineData("{\"id\":1,\"ping\":{\"x\":1}}")]
    [InlineData("{\"subscribe\":{\"channel\":\"c\"}}")]
    [InlineData("{\"id\":1,\"ping\":{}} trailing")]
    [InlineData("{\"id\":1,\"publish\":{\"channel\":\"c\",\"data\":{\"a\":}}}")]
    public void Malformed_input_is_rejected(string frame)
    {
        Assert.Throws<MalformedCommandException>(() => Decode(frame));
    }

    [Fact]
    public void Deeply_nested_data_is_rejected()
    {
        var deep = new string('[', 100) + new string(']', 100);
        Assert.Throws<MalformedCommandException>(() => Decode($"{{\"id\":1,\"publish\":{{\"channel\":\"c\",\"data\":{deep}}}}}"));
    }

    [Fact]
    public void Raw_data_is_a_slice_of_the_frame_until_detached()
    {
        var frame = Encoding.UTF8.GetBytes("""{"id":1,"publish":{"channel":"c","data":{"k":1}}}""");
        var commands = new List<Command>();
        CommandDecoder.Decode(frame, commands);
        var data = ((PublishRequest)commands[0].Request).Data;
        var detached = data.Detach();
        Array.Clear(frame);
        Assert.Equal("""{"k":1}""", detached.ToString());
        Assert.NotEqual("""{"k":1}""", data.ToString());
    }
}
