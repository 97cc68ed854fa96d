namespace Realtime.Client;

/// <summary>How a <see cref="RealtimeClient"/> connects, reconnects and authenticates.</summary>
public sealed class RealtimeClientOptions
{
    /// <summary>The WebSocket endpoint, e.g. <c>wss://ws.example.com/connection/websocket</c>.</summary>
    public required Uri Endpoint { get; init; }

    /// <summary>
    /// Returns a fresh connection token (a JWT your backend signs) whenever one is needed: at each
    /// connect, before the current one expires, and after the server answers 109 (token expired).
    /// Null for anonymous connections, or when <see cref="Token"/> is enough.
    /// </summary>
    public Func<CancellationToken, ValueTask<string>>? GetToken { get; init; }

    /// <summary>A token to start with (<see cref="GetToken"/> is asked once it expires).</summary>
    public string? Token { get; init; }

    /// <summary>
    /// The protocol's JSON format (text messages) or its Protobuf format (binary messages,
    /// subprotocol <c>centrifuge-protobuf</c>): smaller frames, the same behaviour.
    /// </summary>
    public WireFormat Format { get; init; } = WireFormat.Json;

    /// <summary>Sent in the connect command; the server shows it in connection info.</summary>
    public string Name { get; init; } = "dotnet";

    /// <summary>The first reconnect waits up to this long (full jitter: a random delay between zero and the bound).</summary>
    public TimeSpan MinReconnectDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The bound doubles with each failed attempt up to this.</summary>
    public TimeSpan MaxReconnectDelay { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>How long a command waits for its reply before it fails (and the connection is considered broken).</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long past the ping interval the server announced the client waits for a ping before it
    /// treats the link as dead and reconnects.
    /// </summary>
    public TimeSpan MaxServerPingDelay { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Publications and events a subscription holds for its reader. When its reader falls this
    /// far behind, the connection stops reading (see <see cref="Subscription"/>).
    /// </summary>
    public int SubscriptionBufferSize { get; init; } = 1024;
}

/// <summary>The protocol's two encodings.</summary>
public enum WireFormat
{
    /// <summary>JSON text messages, one command or reply per line.</summary>
    Json,

    /// <summary>Binary messages of length-delimited Protobuf commands and replies (client.proto).</summary>
    Protobuf,
}
