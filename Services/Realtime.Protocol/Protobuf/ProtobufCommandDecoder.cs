using Google.Protobuf;
using Realtime.Protocol.Commands;

namespace Realtime.Protocol.Protobuf;

/// <summary>
/// Decodes one binary WebSocket message of the Protobuf protocol: one or more commands, each
/// prefixed with its length as a varint. Throws <see cref="MalformedCommandException"/> on
/// anything that is not. Produces the same requests the JSON decoder does, so everything past
/// decoding is format-blind.
/// </summary>
/// <remarks>
/// Payloads (<c>data</c>) must be one JSON value in this format too: publications are shared by
/// JSON and Protobuf subscribers of a channel and stored as JSON, so bytes a JSON client could not
/// receive are refused at the door rather than delivered broken.
/// </remarks>
public static class ProtobufCommandDecoder
{
    /// <summary>Appends the message's commands to <paramref name="commands"/> in order.</summary>
    public static void Decode(ReadOnlyMemory<byte> message, List<Command> commands)
    {
        var rest = message;
        while (!rest.IsEmpty)
        {
            var length = ReadLength(rest.Span, out var prefix);
            if (length > rest.Length - prefix)
            {
                throw new MalformedCommandException("a command is longer than the message carrying it");
            }

            Wire.Command parsed;
            try
            {
                parsed = Wire.Command.Parser.ParseFrom(rest.Span.Slice(prefix, length));
            }
            catch (InvalidProtocolBufferException e)
            {
                throw new MalformedCommandException("invalid Protobuf", e);
            }

            commands.Add(ToCommand(parsed));
            rest = rest[(prefix + length)..];
        }
    }

    /// <summary>A varint length prefix (at most 2^31 − 1).</summary>
    private static int ReadLength(ReadOnlySpan<byte> span, out int prefix)
    {
        ulong value = 0;
        for (prefix = 0; prefix < span.Length && prefix < 5; prefix++)
        {
            var b = span[prefix];
            value |= (ulong)(b & 0x7F) << (7 * prefix);
            if ((b & 0x80) == 0)
            {
                prefix++;
                return value <= int.MaxValue ? (int)value : throw new MalformedCommandException("a command length out of range");
            }
        }

        throw new MalformedCommandException("a truncated command length");
    }

    private static Command ToCommand(Wire.Command command)
    {
        CommandRequest? request = null;
        var requests = 0;
        void Take(CommandRequest? next)
        {
            if (next is not null)
            {
                request = next;
                requests++;
            }
        }

        Take(command.Connect is { } connect ? Connect(connect) : null);
        Take(command.Subscribe is { } subscribe ? Subscribe(subscribe) : null);
        Take(command.Unsubscribe is { } unsubscribe ? new UnsubscribeRequest { Channel = unsubscribe.Channel } : null);
        Take(command.Publish is { } publish ? new PublishRequest { Channel = publish.Channel, Data = Json(publish.Data) } : null);
        Take(command.Presence is { } presence ? new PresenceRequest { Channel = presence.Channel } : null);
        Take(command.PresenceStats is { } stats ? new PresenceStatsRequest { Channel = stats.Channel } : null);
        Take(command.History is { } history ? History(history) : null);
        Take(command.Ping is not null ? PingRequest.Instance : null);
        Take(command.Send is { } send ? new SendRequest { Data = Json(send.Data) } : null);
        Take(command.Rpc is { } rpc ? new RpcRequest { Data = Json(rpc.Data), RpcMethod = NullIfEmpty(rpc.Method) } : null);
        Take(command.Refresh is { } refresh ? new RefreshRequest { Token = NullIfEmpty(refresh.Token) } : null);
        Take(command.SubRefresh is { } subRefresh ? new SubRefreshRequest { Channel = subRefresh.Channel, Token = NullIfEmpty(subRefresh.Token) } : null);
        if (requests > 1)
        {
            throw new MalformedCommandException("a command carries more than one request");
        }

        // An empty command is the answer to a server ping, as {} is in JSON.
        request ??= command.Id == 0 ? PongRequest.Instance : new UnknownMethodRequest("");
        if (command.Id == 0 && request is not (PongRequest or SendRequest))
        {
            throw new MalformedCommandException($"command {request.Method} has no id");
        }

        return new Command(command.Id, request);
    }

    private static ConnectRequest Connect(Wire.ConnectRequest connect)
    {
        Dictionary<string, SubscribeRequest>? subs = null;
        foreach (var (channel, sub) in connect.Subs)
        {
            subs ??= new Dictionary<string, SubscribeRequest>(StringComparer.Ordinal);
            subs[channel] = Subscribe(sub) with { Channel = channel };
        }

        return new ConnectRequest
        {
            Token = NullIfEmpty(connect.Token),
            Data = Json(connect.Data),
            Subs = subs,
            Name = NullIfEmpty(connect.Name),
            Version = NullIfEmpty(connect.Version),
            Headers = connect.Headers.Count > 0 ? new Dictionary<string, string>(connect.Headers, StringComparer.Ordinal) : null,
        };
    }

    private static SubscribeRequest Subscribe(Wire.SubscribeRequest subscribe) => new()
    {
        Channel = subscribe.Channel,
        Token = NullIfEmpty(subscribe.Token),
        Recover = subscribe.Recover,
        Epoch = NullIfEmpty(subscribe.Epoch),
        Offset = subscribe.Offset,
        Data = Json(subscribe.Data),
        Positioned = subscribe.Positioned,
        Recoverable = subscribe.Recoverable,
        JoinLeave = subscribe.JoinLeave,
        Delta = NullIfEmpty(subscribe.Delta),
        Flag = subscribe.Flag,
    };

    private static HistoryRequest History(Wire.HistoryRequest history) => new()
    {
        Channel = history.Channel,
        Limit = history.Limit,
        Since = history.Since is { } since ? new StreamPosition(since.Offset, since.Epoch) : null,
        Reverse = history.Reverse,
    };

    private static RawJson Json(ByteString bytes)
    {
        if (bytes.IsEmpty)
        {
            return RawJson.Empty;
        }

        return RawJson.IsSingleValue(bytes.Span)
            ? new RawJson(bytes.Memory)
            : throw new MalformedCommandException("data is not one JSON value (publications are shared with JSON clients)");
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}
