using System.Net;

namespace Realtime.Bench.Clients;

/// <summary>
/// Spreads client sockets over the loopback source addresses 127.0.0.1…127.0.0.N. The kernel
/// gives each (source address, destination) pair its own ~28,000 ephemeral ports, so tens of
/// thousands of sockets to one gateway port need several source addresses.
/// </summary>
internal sealed class SourceAddresses
{
    private readonly IPAddress[] _addresses;
    private int _next;

    public SourceAddresses(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, 250);
        _addresses = new IPAddress[count];
        for (var i = 0; i < count; i++)
        {
            _addresses[i] = new IPAddress([127, 0, 0, (byte)(i + 1)]);
        }
    }

    /// <summary>The address the next socket binds to, round-robin.</summary>
    public IPAddress Next() => _addresses[(int)((uint)Interlocked.Increment(ref _next) % (uint)_addresses.Length)];
}
