using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace Realtime.Gateway.Transport;

/// <summary>
/// What the direct upgrade needs from an HTTP/1.1 request head (the request line and headers,
/// through the blank line): whether it asks for a WebSocket on <see cref="WebSocketEndpoint.Path"/>,
/// its key, its origin and the headers the proxies pass on. Strings are made only for those.
/// </summary>
internal sealed class UpgradeRequestHead
{
    private const string AcceptGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    public string? Origin { get; private set; }

    public string? Key { get; private set; }

    public string? Version { get; private set; }

    public bool UpgradesToWebSocket { get; private set; }

    public bool ConnectionUpgrade { get; private set; }

    /// <summary>Whether the client offered the Protobuf subprotocol (which the 101 then names).</summary>
    public bool OffersProtobufSubprotocol { get; private set; }

    /// <summary>Whether the query asks for the Protobuf format (<c>cf_protocol=protobuf</c>) without a subprotocol.</summary>
    public bool QueryAsksProtobuf { get; private set; }

    /// <summary>The configured proxy headers present in the request (null when none are configured).</summary>
    public Dictionary<string, string>? ProxyHeaders { get; private set; }

    /// <summary>The request line every direct upgrade starts with (the target may go on with a query).</summary>
    public static ReadOnlySpan<byte> RequestLinePrefix => "GET /connection/websocket"u8;

    private static ReadOnlySpan<byte> HeadEnd => "\r\n\r\n"u8;

    /// <summary>
    /// Whether a connection's first bytes are a direct-upgrade candidate: true or false once
    /// enough has arrived to tell, null while they are still a prefix of one.
    /// </summary>
    public static bool? IsCandidate(ReadOnlySequence<byte> start)
    {
        Span<byte> first = stackalloc byte[RequestLinePrefix.Length + 1];
        var available = (int)Math.Min(start.Length, first.Length);
        start.Slice(0, available).CopyTo(first);
        first = first[..available];
        var compared = Math.Min(available, RequestLinePrefix.Length);
        if (!first[..compared].SequenceEqual(RequestLinePrefix[..compared]))
        {
            return false;
        }

        if (available <= RequestLinePrefix.Length)
        {
            return null;
        }

        // "/connection/websocketx" is another path.
        return first[^1] is (byte)' ' or (byte)'?';
    }

    /// <summary>Where the head ends (after its blank line), or null when it has not all arrived.</summary>
    public static SequencePosition? FindEnd(ReadOnlySequence<byte> buffer)
    {
        var reader = new SequenceReader<byte>(buffer);
        return reader.TryReadTo(out ReadOnlySequence<byte> _, HeadEnd, advancePastDelimiter: true) ? reader.Position : null;
    }

    /// <summary>Parses a head (ending with its blank line); null when it is not well-formed HTTP/1.1.</summary>
    public static UpgradeRequestHead? Parse(ReadOnlySpan<byte> head, IReadOnlyList<string> proxyHeaderNames)
    {
        var lineEnd = head.IndexOf("\r\n"u8);
        if (lineEnd < 0 || !head[..lineEnd].EndsWith(" HTTP/1.1"u8))
        {
            return null;
        }

        var target = head[..lineEnd][("GET "u8.Length)..^" HTTP/1.1"u8.Length];
        if (target.IndexOfAny((byte)' ', (byte)'\t') >= 0)
        {
            return null;
        }

        var parsed = new UpgradeRequestHead { QueryAsksProtobuf = QueryAsks(target, "cf_protocol=protobuf"u8) };
        if (proxyHeaderNames.Count > 0)
        {
            parsed.ProxyHeaders = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        }

        var rest = head[(lineEnd + 2)..];
        while (true)
        {
            lineEnd = rest.IndexOf("\r\n"u8);
            if (lineEnd < 0)
            {
                return null;
            }

            if (lineEnd == 0)
            {
                return parsed;
            }

            if (!parsed.TryAddHeader(rest[..lineEnd], proxyHeaderNames))
            {
                return null;
            }

            rest = rest[(lineEnd + 2)..];
        }
    }

    /// <summary>Sec-WebSocket-Accept for a key (RFC 6455 §4.2.2).</summary>
    public static string AcceptFor(string key)
    {
        Span<byte> input = stackalloc byte[key.Length + AcceptGuid.Length];
        Encoding.ASCII.GetBytes(key, input);
        Encoding.ASCII.GetBytes(AcceptGuid, input[key.Length..]);
        Span<byte> hash = stackalloc byte[SHA1.HashSizeInBytes];
#pragma warning disable CA5350 // RFC 6455 fixes SHA-1 for the handshake; it protects nothing, it proves the server speaks WebSocket.
        SHA1.HashData(input, hash);
#pragma warning restore CA5350
        return Convert.ToBase64String(hash);
    }

    /// <summary>A key is the base64 of 16 bytes (RFC 6455 §4.1).</summary>
    public bool HasValidKey()
    {
        Span<byte> decoded = stackalloc byte[18];
        return Key is { Length: 24 } && Convert.TryFromBase64String(Key, decoded, out var written) && written == 16;
    }

    private bool TryAddHeader(ReadOnlySpan<byte> line, IReadOnlyList<string> proxyHeaderNames)
    {
        var colon = line.IndexOf((byte)':');
        // No name, whitespace before the colon, or an obsolete folded line: malformed (RFC 9112 §5).
        if (colon <= 0 || line[colon - 1] is (byte)' ' or (byte)'\t' || line[0] is (byte)' ' or (byte)'\t')
        {
            return false;
        }

        var name = line[..colon];
        var value = line[(colon + 1)..].Trim(" \t"u8);
        if (Is(name, "upgrade"))
        {
            UpgradesToWebSocket |= ContainsToken(value, "websocket");
        }
        else if (Is(name, "connection"))
        {
            ConnectionUpgrade |= ContainsToken(value, "upgrade");
        }
        else if (Is(name, "sec-websocket-key"))
        {
            Key = Encoding.Latin1.GetString(value);
        }
        else if (Is(name, "sec-websocket-version"))
        {
            Version = Encoding.Latin1.GetString(value);
        }
        else if (Is(name, "sec-websocket-protocol"))
        {
            OffersProtobufSubprotocol |= ContainsToken(value, ClientAdmission.ProtobufSubprotocol);
        }
        else if (Is(name, "origin"))
        {
            Origin = Origin is null ? Encoding.Latin1.GetString(value) : Origin + "," + Encoding.Latin1.GetString(value);
        }

        if (ProxyHeaders is not null)
        {
            foreach (var wanted in proxyHeaderNames)
            {
                if (Is(name, wanted))
                {
                    var text = Encoding.Latin1.GetString(value);
                    ProxyHeaders[wanted] = ProxyHeaders.TryGetValue(wanted, out var earlier) ? earlier + "," + text : text;
                }
            }
        }

        return true;
    }

    /// <summary>Whether a request target's query has exactly this parameter.</summary>
    private static bool QueryAsks(ReadOnlySpan<byte> target, ReadOnlySpan<byte> parameter)
    {
        var question = target.IndexOf((byte)'?');
        if (question < 0)
        {
            return false;
        }

        var query = target[(question + 1)..];
        foreach (var range in query.Split((byte)'&'))
        {
            if (query[range].SequenceEqual(parameter))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Is(ReadOnlySpan<byte> name, string expected) =>
        name.Length == expected.Length && Ascii.EqualsIgnoreCase(name, expected);

    /// <summary>Whether a comma-separated header value lists a token (case-insensitively).</summary>
    private static bool ContainsToken(ReadOnlySpan<byte> value, string token)
    {
        foreach (var range in value.Split((byte)','))
        {
            if (Is(value[range].Trim(" \t"u8), token))
            {
                return true;
            }
        }

        return false;
    }
}
