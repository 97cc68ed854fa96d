using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Connections;

namespace Realtime.Gateway.Transport;

/// <summary>
/// A Kestrel connection's transport pipes as the stream a <see cref="System.Net.WebSockets.WebSocket"/>
/// runs over, with nothing between them: reads copy straight out of the socket's input pipe and
/// writes go straight into its output pipe. A zero-byte read waits for data without taking any
/// (idle connections hold no buffer). Disposing it (as <c>WebSocket.Abort</c> does) ends a
/// pending read or stalled write; the caller then aborts the connection.
/// </summary>
internal sealed class ConnectionStream(ConnectionContext connection) : Stream
{
    private readonly PipeReader _input = connection.Transport.Input;
    private readonly PipeWriter _output = connection.Transport.Output;

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        var pending = _input.ReadAsync(cancellationToken);
        return pending.IsCompletedSuccessfully ? new ValueTask<int>(Take(pending.Result, destination.Span)) : AwaitReadAsync(pending, destination);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken = default)
    {
        var pending = _output.WriteAsync(source, cancellationToken);
        if (pending.IsCompletedSuccessfully)
        {
            ThrowIfNotWritten(pending.Result);
            return default;
        }

        return AwaitFlushAsync(pending);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task FlushAsync(CancellationToken cancellationToken)
    {
        var pending = _output.FlushAsync(cancellationToken);
        if (pending.IsCompletedSuccessfully)
        {
            ThrowIfNotWritten(pending.Result);
            return Task.CompletedTask;
        }

        return AwaitFlushAsync(pending).AsTask();
    }

    public override void Flush() => throw new NotSupportedException("The connection is written asynchronously.");

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("The connection is read asynchronously.");

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("The connection is written asynchronously.");

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _input.CancelPendingRead();
            _output.CancelPendingFlush();
        }

        base.Dispose(disposing);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> AwaitReadAsync(ValueTask<ReadResult> pending, Memory<byte> destination) =>
        Take(await pending, destination.Span);

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private static async ValueTask AwaitFlushAsync(ValueTask<FlushResult> pending) => ThrowIfNotWritten(await pending);

    private int Take(ReadResult result, Span<byte> destination)
    {
        var buffer = result.Buffer;
        if (result.IsCanceled)
        {
            _input.AdvanceTo(buffer.Start);
            throw new OperationCanceledException("The connection was aborted.");
        }

        if (destination.IsEmpty || buffer.IsEmpty)
        {
            // A zero-byte read only waits for data; an empty buffer here is the end of the input.
            _input.AdvanceTo(buffer.Start);
            return 0;
        }

        var taken = (int)Math.Min(buffer.Length, destination.Length);
        buffer.Slice(0, taken).CopyTo(destination);
        _input.AdvanceTo(buffer.GetPosition(taken));
        return taken;
    }

    private static void ThrowIfNotWritten(FlushResult result)
    {
        if (result.IsCanceled)
        {
            throw new OperationCanceledException("The connection was aborted.");
        }

        if (result.IsCompleted)
        {
            throw new IOException("The connection was closed.");
        }
    }
}
