using System.IO.Pipelines;
using System.Threading.Channels;
using Realtime.Gateway.Clients;
using Realtime.Gateway.Telemetry;
using Realtime.Protocol;
using Realtime.Protocol.Codes;

namespace Realtime.Gateway.Transport;

/// <summary>
/// A client whose frames stream out in one long HTTP response and whose commands arrive in
/// other requests: the connect command with the streaming request itself, every later batch
/// through <c>POST /emulation</c> (<see cref="TryDeliver"/>), possibly relayed from another
/// node. Batches are run one after another in arrival order, as a WebSocket's messages are.
/// A disconnect is a disconnect push followed by the end of the response.
/// </summary>
internal abstract class EmulatedTransport : ClientTransport
{
    private readonly HttpContext _context;
    private readonly Channel<ReadOnlyMemory<byte>> _incoming;
    private readonly Lock _gate = new();
    private bool _writing;
    private bool _closed;
    private bool _finished;
    private TaskCompletionSource? _writeDone;

    protected EmulatedTransport(HttpContext context, ProtocolFormat format, ReadOnlyMemory<byte> connect, int maxPendingRequests) : base(format)
    {
        _context = context;
        _incoming = Channel.CreateBounded<ReadOnlyMemory<byte>>(new BoundedChannelOptions(maxPendingRequests) { SingleReader = true });
        _incoming.Writer.TryWrite(connect);
    }

    public override bool Emulated => true;

    /// <summary>
    /// Queues an emulation request's commands for the session; false when the client already has
    /// <see cref="GatewayOptions.MaxPendingEmulationRequests"/> waiting (it floods) or the session ended.
    /// </summary>
    public bool TryDeliver(ReadOnlyMemory<byte> commands) => _incoming.Writer.TryWrite(commands);

    public override async Task ReceiveAsync(ClientSession session)
    {
        await foreach (var message in _incoming.Reader.ReadAllAsync(_context.RequestAborted))
        {
            if (session.Closing)
            {
                continue;
            }

            if (message.Length > session.MaxFrameSize)
            {
                session.Close(Disconnect.MessageSizeLimit);
                continue;
            }

            GatewayMetrics.RecordReceived(message.Length);
            await session.HandleMessageAsync(message);
        }
    }

    public override async ValueTask SendAsync(ReadOnlyMemory<byte> frames)
    {
        lock (_gate)
        {
            if (_finished)
            {
                throw new IOException("the response has ended");
            }

            _writing = true;
        }

        try
        {
            var writer = _context.Response.BodyWriter;
            Write(writer, frames.Span);
            var flushed = await writer.FlushAsync();
            if (flushed.IsCanceled || flushed.IsCompleted)
            {
                throw new IOException("the client stopped reading the response");
            }
        }
        catch (InvalidOperationException e)
        {
            throw new IOException("the response can no longer be written", e);
        }
        finally
        {
            TaskCompletionSource? done;
            lock (_gate)
            {
                _writing = false;
                done = _writeDone;
            }

            done?.TrySetResult();
        }
    }

    /// <summary>Writes joined frames in the transport's framing.</summary>
    protected abstract void Write(PipeWriter writer, ReadOnlySpan<byte> frames);

    public override async Task CloseAsync(Disconnect disconnect)
    {
        try
        {
            // The only way to hand the client a code here: the SDKs read it as a server disconnect.
            await SendAsync(ProtocolFrames.DisconnectPush(Format, disconnect));
        }
        finally
        {
            lock (_gate)
            {
                _closed = true;
            }

            _incoming.Writer.TryComplete();
        }
    }

    public override void Abort()
    {
        _incoming.Writer.TryComplete();
        lock (_gate)
        {
            // Once the endpoint returned, the HttpContext may already serve another request.
            if (!_finished)
            {
                _context.Abort();
            }
        }
    }

    public override void AbortUnlessClosed()
    {
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }
        }

        Abort();
    }

    /// <summary>
    /// Called by the endpoint once the session ended, before it returns: no write may touch the
    /// response after that, so one still waiting is aborted and awaited.
    /// </summary>
    public async Task FinishAsync()
    {
        TaskCompletionSource? pending = null;
        lock (_gate)
        {
            _finished = true;
            if (_writing)
            {
                pending = _writeDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _context.Abort();
            }
        }

        _incoming.Writer.TryComplete();
        if (pending is not null)
        {
            await pending.Task;
        }
    }
}
