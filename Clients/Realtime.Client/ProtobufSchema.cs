namespace Realtime.Client;

/// <summary>How a field travels in the protocol's Protobuf format (client.proto).</summary>
internal enum FieldKind
{
    String,
    /// <summary>Bytes that hold a JSON value (data, info): raw JSON on the JSON side.</summary>
    Json,
    Unsigned,
    Signed,
    Bool,
    Message,
    RepeatedMessage,
    StringMap,
    MessageMap,
}

internal sealed record FieldSpec(string Name, int Number, FieldKind Kind, MessageSpec? Nested = null);

/// <summary>One message of client.proto, by field name (JSON side) and number (Protobuf side).</summary>
internal sealed class MessageSpec
{
    private readonly Dictionary<string, FieldSpec> _byName = new(StringComparer.Ordinal);
    private readonly Dictionary<int, FieldSpec> _byNumber = [];

    public MessageSpec Add(string name, int number, FieldKind kind, MessageSpec? nested = null)
    {
        var field = new FieldSpec(name, number, kind, nested);
        _byName[name] = field;
        _byNumber[number] = field;
        return this;
    }

    public FieldSpec? Named(string name) => _byName.GetValueOrDefault(name);

    public FieldSpec? Numbered(int number) => _byNumber.GetValueOrDefault(number);
}

/// <summary>The parts of client.proto (Centrifugo protocol v2) the client sends and reads.</summary>
internal static class ProtobufSchema
{
    private static MessageSpec M() => new();

    private static readonly MessageSpec StreamPosition = M().Add("offset", 1, FieldKind.Unsigned).Add("epoch", 2, FieldKind.String);

    private static readonly MessageSpec ClientInfo = M()
        .Add("user", 1, FieldKind.String).Add("client", 2, FieldKind.String)
        .Add("conn_info", 3, FieldKind.Json).Add("chan_info", 4, FieldKind.Json);

    private static readonly MessageSpec Publication = M()
        .Add("data", 4, FieldKind.Json).Add("info", 5, FieldKind.Message, ClientInfo).Add("offset", 6, FieldKind.Unsigned)
        .Add("tags", 7, FieldKind.StringMap).Add("delta", 8, FieldKind.Bool).Add("time", 9, FieldKind.Signed).Add("channel", 10, FieldKind.String);

    private static readonly MessageSpec SubscribeResult = M()
        .Add("expires", 1, FieldKind.Bool).Add("ttl", 2, FieldKind.Unsigned).Add("recoverable", 3, FieldKind.Bool)
        .Add("epoch", 6, FieldKind.String).Add("publications", 7, FieldKind.RepeatedMessage, Publication)
        .Add("recovered", 8, FieldKind.Bool).Add("offset", 9, FieldKind.Unsigned).Add("positioned", 10, FieldKind.Bool)
        .Add("data", 11, FieldKind.Json).Add("was_recovering", 12, FieldKind.Bool).Add("delta", 13, FieldKind.Bool);

    private static readonly MessageSpec Empty = M();

    public static readonly MessageSpec Command = M()
        .Add("id", 1, FieldKind.Unsigned)
        .Add("connect", 4, FieldKind.Message, M().Add("token", 1, FieldKind.String).Add("data", 2, FieldKind.Json).Add("name", 4, FieldKind.String).Add("version", 5, FieldKind.String))
        .Add("subscribe", 5, FieldKind.Message, M()
            .Add("channel", 1, FieldKind.String).Add("token", 2, FieldKind.String).Add("recover", 3, FieldKind.Bool)
            .Add("epoch", 6, FieldKind.String).Add("offset", 7, FieldKind.Unsigned).Add("data", 8, FieldKind.Json)
            .Add("positioned", 9, FieldKind.Bool).Add("recoverable", 10, FieldKind.Bool).Add("join_leave", 11, FieldKind.Bool))
        .Add("unsubscribe", 6, FieldKind.Message, M().Add("channel", 1, FieldKind.String))
        .Add("publish", 7, FieldKind.Message, M().Add("channel", 1, FieldKind.String).Add("data", 2, FieldKind.Json))
        .Add("presence", 8, FieldKind.Message, M().Add("channel", 1, FieldKind.String))
        .Add("presence_stats", 9, FieldKind.Message, M().Add("channel", 1, FieldKind.String))
        .Add("history", 10, FieldKind.Message, M()
            .Add("channel", 1, FieldKind.String).Add("limit", 7, FieldKind.Signed)
            .Add("since", 8, FieldKind.Message, StreamPosition).Add("reverse", 9, FieldKind.Bool))
        .Add("ping", 11, FieldKind.Message, Empty)
        .Add("send", 12, FieldKind.Message, M().Add("data", 1, FieldKind.Json))
        .Add("rpc", 13, FieldKind.Message, M().Add("data", 1, FieldKind.Json).Add("method", 2, FieldKind.String))
        .Add("refresh", 14, FieldKind.Message, M().Add("token", 1, FieldKind.String))
        .Add("sub_refresh", 15, FieldKind.Message, M().Add("channel", 1, FieldKind.String).Add("token", 2, FieldKind.String));

    private static readonly MessageSpec Push = M()
        .Add("channel", 2, FieldKind.String)
        .Add("pub", 4, FieldKind.Message, Publication)
        .Add("join", 5, FieldKind.Message, M().Add("info", 1, FieldKind.Message, ClientInfo))
        .Add("leave", 6, FieldKind.Message, M().Add("info", 1, FieldKind.Message, ClientInfo))
        .Add("unsubscribe", 7, FieldKind.Message, M().Add("code", 2, FieldKind.Unsigned).Add("reason", 3, FieldKind.String))
        .Add("message", 8, FieldKind.Message, M().Add("data", 1, FieldKind.Json))
        .Add("disconnect", 11, FieldKind.Message, M().Add("code", 1, FieldKind.Unsigned).Add("reason", 2, FieldKind.String))
        .Add("refresh", 12, FieldKind.Message, M().Add("expires", 1, FieldKind.Bool).Add("ttl", 2, FieldKind.Unsigned));

    public static readonly MessageSpec Reply = M()
        .Add("id", 1, FieldKind.Unsigned)
        .Add("error", 2, FieldKind.Message, M().Add("code", 1, FieldKind.Unsigned).Add("message", 2, FieldKind.String).Add("temporary", 3, FieldKind.Bool))
        .Add("push", 4, FieldKind.Message, Push)
        .Add("connect", 5, FieldKind.Message, M()
            .Add("client", 1, FieldKind.String).Add("version", 2, FieldKind.String).Add("expires", 3, FieldKind.Bool)
            .Add("ttl", 4, FieldKind.Unsigned).Add("data", 5, FieldKind.Json).Add("ping", 7, FieldKind.Unsigned)
            .Add("pong", 8, FieldKind.Bool).Add("session", 9, FieldKind.String).Add("node", 10, FieldKind.String))
        .Add("subscribe", 6, FieldKind.Message, SubscribeResult)
        .Add("unsubscribe", 7, FieldKind.Message, Empty)
        .Add("publish", 8, FieldKind.Message, Empty)
        .Add("presence", 9, FieldKind.Message, M().Add("presence", 1, FieldKind.MessageMap, ClientInfo))
        .Add("presence_stats", 10, FieldKind.Message, M().Add("num_clients", 1, FieldKind.Unsigned).Add("num_users", 2, FieldKind.Unsigned))
        .Add("history", 11, FieldKind.Message, M()
            .Add("publications", 1, FieldKind.RepeatedMessage, Publication).Add("epoch", 2, FieldKind.String).Add("offset", 3, FieldKind.Unsigned))
        .Add("ping", 12, FieldKind.Message, Empty)
        .Add("rpc", 13, FieldKind.Message, M().Add("data", 1, FieldKind.Json))
        .Add("refresh", 14, FieldKind.Message, M()
            .Add("client", 1, FieldKind.String).Add("version", 2, FieldKind.String).Add("expires", 3, FieldKind.Bool).Add("ttl", 4, FieldKind.Unsigned))
        .Add("sub_refresh", 15, FieldKind.Message, M().Add("expires", 1, FieldKind.Bool).Add("ttl", 2, FieldKind.Unsigned));
}
