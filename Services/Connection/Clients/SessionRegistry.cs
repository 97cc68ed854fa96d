using System.Collections.Concurrent;

namespace Realtime.Connection.Clients;

/// <summary>The node's live sessions, for heartbeats, limits and drain.</summary>
internal sealed class SessionRegistry
{
    private readonly ConcurrentDictionary<ClientSession, byte> _sessions = new();

    public int Count => _sessions.Count;

    public void Add(ClientSession session) => _sessions.TryAdd(session, 0);

    public void Remove(ClientSession session) => _sessions.TryRemove(session, out _);

    /// <summary>A moment's view of the sessions; safe to enumerate while others come and go.</summary>
    public IEnumerable<ClientSession> Snapshot() => _sessions.Keys;
}
