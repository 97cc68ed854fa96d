using System.Text.Json;
using Realtime.Delivery.Control;

namespace Realtime.Messaging.Tests;

public sealed class NodeCommandTests
{
    [Theory]
    [InlineData(NodeCommandKind.Subscribe)]
    [InlineData(NodeCommandKind.Unsubscribe)]
    [InlineData(NodeCommandKind.Disconnect)]
    [InlineData(NodeCommandKind.Refresh)]
    [InlineData(NodeCommandKind.Message)]
    public void Every_kind_survives_the_control_channel(NodeCommandKind kind)
    {
        var command = new NodeCommand { Op = kind, User = "u", Client = "c", Channel = "ch", Code = 4000, Reason = "r", ExpireAt = 5, Data = JsonDocument.Parse("""{"a":1}""").RootElement };
        var decoded = ControlChannel.Decode(JsonSerializer.SerializeToUtf8Bytes(command, NodeCommandJsonContext.Default.NodeCommand));
        Assert.Equal(kind, decoded.Op);
        Assert.Equal("u", decoded.User);
        Assert.Equal("c", decoded.Client);
        Assert.Equal("ch", decoded.Channel);
        Assert.Equal(4000, decoded.Code);
        Assert.Equal(5, decoded.ExpireAt);
        Assert.Equal("""{"a":1}""", decoded.Data!.Value.GetRawText());
    }
}
