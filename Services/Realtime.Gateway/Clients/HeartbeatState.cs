using System.Diagnostics;

namespace Realtime.Gateway.Clients;

/// <summary>
/// A session's heartbeat bookkeeping, read by the node's single heartbeat timer: when the socket
/// opened and whether a ping is waiting for its pong.
/// </summary>
internal sealed class HeartbeatState
{
    private long _pingSentAt;
    private long _lastPing = Stopwatch.GetTimestamp();

    /// <summary>
    /// When the socket was accepted. A socket that has not connected by <c>StaleTimeout</c> after
    /// it is closed, whatever it sent meanwhile (pings and blank frames do not keep it).
    /// </summary>
    public long OpenedAt { get; } = Stopwatch.GetTimestamp();

    public void MarkPong() => Volatile.Write(ref _pingSentAt, 0);

    /// <summary>Pings are counted from connect, not from when the socket opened.</summary>
    public void MarkConnected() => Volatile.Write(ref _lastPing, Stopwatch.GetTimestamp());

    public void MarkPingSent(long now)
    {
        Volatile.Write(ref _pingSentAt, now);
        Volatile.Write(ref _lastPing, now);
    }

    /// <summary>When the last ping was sent (or the connection started).</summary>
    public long LastPing => Volatile.Read(ref _lastPing);

    /// <summary>When the unanswered ping was sent; 0 when none is outstanding.</summary>
    public long PingSentAt => Volatile.Read(ref _pingSentAt);
}
