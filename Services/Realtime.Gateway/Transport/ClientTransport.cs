using Realtime.Gateway.Clients;
using Realtime.Protocol;
using Realtime.Protocol.Codes;

namespace Realtime.Gateway.Transport;

/// <summary>
/// What a client session reads commands from and writes frames to: a WebSocket, or an HTTP
/// response stream (HTTP-streaming, SSE) whose later commands arrive as emulation requests.
/// A session's outbox is the only writer, so <see cref="SendAsync"/> never overlaps itself.
/// </summary>
internal abstract class ClientTransport(ProtocolFormat format)
{
    /// <summary>The encoding the client chose when it connected.</summary>
    public ProtocolFormat Format { get; } = format;

    /// <summary>
    /// Whether commands after the first arrive by <c>POST /emulation</c>: the connect reply then
    /// names the session and node such requests must carry.
    /// </summary>
    public virtual bool Emulated => false;

    /// <summary>Whether the client began closing (its close frame arrived), so the session answers it.</summary>
    public virtual bool ClosedByClient => false;

    /// <summary>Passes each incoming message to the session until the client goes away or the session closed.</summary>
    public abstract Task ReceiveAsync(ClientSession session);

    /// <summary>Writes frames the outbox joined (newline-separated JSON, or concatenated Protobuf).</summary>
    public abstract ValueTask SendAsync(ReadOnlyMemory<byte> frames);

    /// <summary>Tells the client why the connection ends (a close frame, or a disconnect push) and ends output.</summary>
    public abstract Task CloseAsync(Disconnect disconnect);

    /// <summary>Cuts the connection off at once (a stalled writer, a client that never finishes closing).</summary>
    public abstract void Abort();

    /// <summary>Cuts the connection off unless it already closed cleanly.</summary>
    public abstract void AbortUnlessClosed();
}
