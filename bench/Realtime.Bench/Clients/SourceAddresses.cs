using System.Net;
using System.Net.Sockets;

namespace Realtime.Bench.Clients;

/// <summary>
/// Spreads client sockets over the loopback source addresses 127.0.0.1…127.0.0.N. The kernel
/// gives each (source address, destination) pair its own ~28,000 ephemeral ports, so tens of
/// thousands of sockets to one gateway port need several source addresses.
/// </summary>
internal sealed class SourceAddresses : IDisposable
{
    private readonly HttpMessageInvoker[] _invokers;
    private int _next;

    public SourceAddresses(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, 250);
        _invokers = new HttpMessageInvoker[count];
        for (var i = 0; i < count; i++)
        {
            var source = new IPAddress([127, 0, 0, (byte)(i + 1)]);
            _invokers[i] = new HttpMessageInvoker(new SocketsHttpHandler { ConnectCallback = (context, cancellationToken) => ConnectFromAsync(source, context, cancellationToken) });
        }
    }

    /// <summary>The HTTP stack the next WebSocket opens its connection through, round-robin over the addresses.</summary>
    public HttpMessageInvoker Next() => _invokers[(int)((uint)Interlocked.Increment(ref _next) % (uint)_invokers.Length)];

    private static async ValueTask<Stream> ConnectFromAsync(IPAddress source, SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            socket.Bind(new IPEndPoint(source, 0));
            await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        foreach (var invoker in _invokers)
        {
            invoker.Dispose();
        }
    }
}
