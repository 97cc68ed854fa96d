using System.Collections.Concurrent;

namespace Realtime.Gateway.Clients;

/// <summary>The node's live sessions and connections per user, for heartbeats, limits and drain.</summary>
internal sealed class SessionRegistry
{
    private readonly ConcurrentDictionary<ClientSession, byte> _sessions = new();
    private readonly ConcurrentDictionary<string, int> _perUser = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ClientSession> _byClient = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ClientSession> _bySession = new(StringComparer.Ordinal);
    private int _sockets;

    public int Count => _sessions.Count;

    /// <summary>
    /// Counts a new WebSocket against the node's limit (0 = none), before it is accepted: every
    /// socket counts, connected or not, since each holds a descriptor and memory.
    /// </summary>
    public bool TryOpenSocket(int limit)
    {
        if (Interlocked.Increment(ref _sockets) > limit && limit > 0)
        {
            Interlocked.Decrement(ref _sockets);
            return false;
        }

        return true;
    }

    public void CloseSocket() => Interlocked.Decrement(ref _sockets);

    public void Add(ClientSession session) => _sessions.TryAdd(session, 0);

    /// <summary>
    /// Counts a session as connected unless that would exceed the user's connection limit
    /// (0 = no limit; the node's limit was applied to the socket). Anonymous users share no
    /// per-user limit.
    /// </summary>
    public bool TryAdmit(ClientSession session, string user, GatewayOptions options)
    {
        if (user.Length > 0 && _perUser.AddOrUpdate(user, 1, static (_, count) => count + 1) > options.MaxConnectionsPerUser && options.MaxConnectionsPerUser > 0)
        {
            Release(user);
            return false;
        }

        _byClient[session.ClientId] = session;
        if (session.SessionId is { } id)
        {
            _bySession[id] = session;
        }

        Telemetry.GatewayMetrics.Connections.Add(1);
        return true;
    }

    public ClientSession? FindClient(string clientId) => _byClient.GetValueOrDefault(clientId);

    /// <summary>The connected emulated session (HTTP-streaming, SSE) with this secret id, if it is on this node.</summary>
    public ClientSession? FindSession(string sessionId) => _bySession.GetValueOrDefault(sessionId);

    /// <summary>The admitted sessions of one user (a scan: server-API instructions are rare next to messages).</summary>
    public IEnumerable<ClientSession> FindUser(string user)
    {
        foreach (var session in _byClient.Values)
        {
            if (session.Identity?.User == user)
            {
                yield return session;
            }
        }
    }

    /// <summary>How many distinct users are connected to this node.</summary>
    public int UserCount => _perUser.Count;

    /// <summary>Forgets a session; <paramref name="user"/> is set when it had been admitted.</summary>
    public void Remove(ClientSession session, string? user)
    {
        if (!_sessions.TryRemove(session, out _) || user is null)
        {
            return;
        }

        Telemetry.GatewayMetrics.Connections.Add(-1);
        _byClient.TryRemove(session.ClientId, out _);
        if (session.SessionId is { } id)
        {
            _bySession.TryRemove(id, out _);
        }

        if (user.Length > 0)
        {
            Release(user);
        }
    }

    private void Release(string user)
    {
        while (_perUser.TryGetValue(user, out var count))
        {
            if (count <= 1 ? _perUser.TryRemove(new KeyValuePair<string, int>(user, count)) : _perUser.TryUpdate(user, count - 1, count))
            {
                return;
            }
        }
    }

    /// <summary>A moment's view of the sessions; safe to enumerate while others come and go.</summary>
    public IEnumerable<ClientSession> Snapshot() => _sessions.Keys;
}
